import path from 'node:path';
import { loadFarmConfig, parseServeArgs } from '../../../host/config/index.ts';
import { createTempApp, fixedOptions, type TempApp } from './temp-app.ts';

const testdata = path.join(import.meta.dirname, 'testdata');

describe('serve arguments', () => {
  let app: TempApp;
  beforeEach(() => { app = createTempApp('hello.js'); });
  afterEach(() => app.remove());

  it('parses a script, port, host and settings flags in both spellings', () => {
    const args = parseServeArgs(['hello.js', '--port', '8080', '--host=0.0.0.0', '--maxLogFiles=5', '--debugHeaderEnabled']);
    expect(args).toEqual({
      script: 'hello.js', port: 8080, listenAddress: '0.0.0.0',
      settings: [
        { name: 'maxLogFiles', value: 5, source: { kind: 'cli', flag: '--maxLogFiles' } },
        { name: 'debugHeaderEnabled', value: true, source: { kind: 'cli', flag: '--debugHeaderEnabled' } },
      ],
    });
  });

  it('rejects unknown flags with a did-you-mean', () => {
    expect(() => parseServeArgs(['--prot', '80'])).toThrow(/unknown option --prot; did you mean --port\?/);
  });

  it('rejects bad values naming the flag', () => {
    expect(() => parseServeArgs(['--port', '99999'])).toThrow(/--port: invalid value '99999'/);
    expect(() => parseServeArgs(['--loggingEnabled', 'maybe'])).toThrow(/--loggingEnabled: invalid value 'maybe'/);
    expect(() => parseServeArgs(['--host'])).toThrow(/--host needs a value/);
    expect(() => parseServeArgs(['a.js', 'b.js'])).toThrow(/only one app script/);
  });

  it('builds a one-app farm from `serve app.js --port N`', () => {
    const config = loadFarmConfig(parseServeArgs(['hello.js', '--port', '0']), { ...fixedOptions({ cwd: app.dir }), requirePort: true });
    expect(config.host).toMatchObject({ listenAddress: '127.0.0.1', port: 0, farmName: 'default', serverName: 'test-host' });
    expect(config.apps).toHaveLength(1);
    expect(config.apps[0]).toMatchObject({ name: 'hello', script: app.script, dir: app.dir, match: { pathPrefix: '/', hosts: [] } });
  });

  it('requires a port for serve', () => {
    expect(() => loadFarmConfig(parseServeArgs([app.script]), { ...fixedOptions(), requirePort: true })).toThrow(/no port/);
  });

  it('requires a script or a config file', () => {
    expect(() => loadFarmConfig(parseServeArgs(['--port', '80']), fixedOptions())).toThrow(/give an app script/);
  });

  it('reports a missing script as a usage error', () => {
    expect(() => loadFarmConfig(parseServeArgs(['nope.js']), fixedOptions({ cwd: app.dir }))).toThrow(/nope\.js does not exist/);
  });

  it('lets flags beat nodefarm.yml host settings', () => {
    const farmArgs = (): string[] => ['--config', path.join(testdata, 'farm/nodefarm.yml'), '--port', '9090', '--farm-name', 'blue'];
    const args = parseServeArgs(farmArgs());
    const config = loadFarmConfig(args, fixedOptions());
    expect(config.host).toMatchObject({ port: 9090, listenAddress: '0.0.0.0', farmName: 'blue', hostSchedulingPolicy: 'batch' });
    const normal = loadFarmConfig(parseServeArgs([...farmArgs(), '--host-scheduling', 'normal']), fixedOptions());
    expect(normal.host.hostSchedulingPolicy).toBe('normal');
    expect(() => loadFarmConfig(parseServeArgs([...farmArgs(), '--host-scheduling=fast']), fixedOptions()))
      .toThrow(/--host-scheduling: invalid host scheduling policy 'fast': expected adaptive, batch, normal/);
    expect(config.apps).toHaveLength(2);
  });

  it('serves only the given script when a nodefarm.yml is given too, using its entry', () => {
    const script = path.join(testdata, 'farm/api/server.js');
    const config = loadFarmConfig(parseServeArgs([script, '--config', path.join(testdata, 'farm/nodefarm.yml')]), fixedOptions());
    expect(config.apps.map((a) => [a.name, a.match.pathPrefix])).toEqual([['api', '/api/v1']]);
    expect(config.host.port).toBe(8080);
  });
});
