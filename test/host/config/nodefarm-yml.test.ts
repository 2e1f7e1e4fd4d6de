import path from 'node:path';
import { loadFarmConfigFile } from '../../../host/config/index.ts';
import { NodefarmError } from '../../../host/errors.ts';
import { createTempApp, fixedOptions } from './temp-app.ts';

const testdata = path.join(import.meta.dirname, 'testdata');

function errorOf(file: string): NodefarmError {
  try {
    loadFarmConfigFile(path.join(testdata, file), fixedOptions());
  } catch (err) {
    if (err instanceof NodefarmError) return err;
    throw err;
  }
  throw new Error(`expected ${file} to be rejected`);
}

describe('nodefarm.yml', () => {
  it('loads host settings and apps with paths relative to the file', () => {
    const config = loadFarmConfigFile(path.join(testdata, 'farm/nodefarm.yml'), fixedOptions());
    expect(config.host).toEqual({
      listenAddress: '0.0.0.0', port: 8080, farmName: 'shop', serverName: 'web-01',
      socketDir: '/run/nodefarm-test', adminSocket: '/run/nodefarm-test/admin.sock', hostSchedulingPolicy: 'batch',
    });
    expect(config.apps.map((a) => [a.name, a.script, a.dir])).toEqual([
      ['api', path.join(testdata, 'farm/api/server.js'), path.join(testdata, 'farm/api')],
      ['app', path.join(testdata, 'farm/web/app.js'), path.join(testdata, 'farm/web')],
    ]);
  });

  it('normalises path prefixes and host names', () => {
    const [api, web] = loadFarmConfigFile(path.join(testdata, 'farm/nodefarm.yml'), fixedOptions()).apps;
    expect(api!.match).toEqual({ pathPrefix: '/api/v1', hosts: ['api.example.com'] });
    expect(web!.match).toEqual({ pathPrefix: '/', hosts: [] });
  });

  it('passes env as strings, an empty value as an empty string', () => {
    const [api] = loadFarmConfigFile(path.join(testdata, 'farm/nodefarm.yml'), fixedOptions()).apps;
    expect(api!.env).toEqual({ DB_URL: 'postgres://db/shop', EMPTY: '', COUNT: '3' });
  });

  it('layers farm-wide iisnode settings under each app\'s own and its iisnode.yml', () => {
    const [api, web] = loadFarmConfigFile(path.join(testdata, 'farm/nodefarm.yml'), fixedOptions()).apps;
    expect(api!.settings).toMatchObject({
      loggingEnabled: false, maxConcurrentRequestsPerProcess: Infinity, nodeProcessCountPerApplication: 4,
      debuggerPortRange: '7000-7010',
    });
    expect(web!.settings).toMatchObject({
      loggingEnabled: false, maxConcurrentRequestsPerProcess: 100, nodeProcessCountPerApplication: 3,
      dispatchPolicy: 'round-robin', node_env: '',
    });
    expect(web!.sources.nodeProcessCountPerApplication).toEqual({ kind: 'file', file: path.join(testdata, 'farm/web/iisnode.yml'), line: 2 });
    expect(web!.sources.loggingEnabled).toEqual({ kind: 'file', file: path.join(testdata, 'farm/nodefarm.yml'), line: 8 });
  });

  it('rejects an unknown key with its line and a did-you-mean', () => {
    const err = errorOf('bad/unknown-key.yml');
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toBe(`${path.join(testdata, 'bad/unknown-key.yml')}:3: listen.adress: unknown key 'adress'; did you mean 'address'?`);
  });

  it('rejects an unknown iisnode setting with its line and a did-you-mean', () => {
    expect(errorOf('bad/unknown-setting.yml').message)
      .toMatch(/unknown-setting\.yml:5: apps\[0\]\.iisnode\.maxConcurentRequestsPerProcess: unknown setting .*did you mean 'maxConcurrentRequestsPerProcess'\?/);
  });

  it('rejects a bad setting value with its line, key and value', () => {
    expect(errorOf('bad/bad-value.yml').message).toMatch(
      /bad-value\.yml:5: apps\[0\]\.iisnode\.nodeProcessCountPerApplication: invalid value '-2': negative numbers are not allowed/,
    );
  });

  it('rejects an unknown host scheduling policy with its line and the choices', () => {
    expect(errorOf('bad/bad-host-scheduling.yml').message).toMatch(
      /bad-host-scheduling\.yml:2: hostSchedulingPolicy: invalid host scheduling policy 'fast': expected adaptive, batch, normal/,
    );
  });

  it('rejects two apps with the same name', () => {
    expect(errorOf('bad/duplicate-name.yml').message).toMatch(/duplicate-name\.yml:5: apps\[1\]\.name: app name 'web' is used twice/);
  });

  it('rejects two apps on the same host and normalised prefix', () => {
    expect(errorOf('bad/duplicate-route.yml').message)
      .toMatch(/duplicate-route\.yml:6: apps\[1\]\.match: apps 'one' and 'two' both match prefix \/shop on any host/);
  });

  it('rejects a script that does not exist at the script line', () => {
    expect(errorOf('bad/missing-script.yml').message).toMatch(/missing-script\.yml:3: apps\[0\]\.script: app script .* does not exist/);
  });

  it('reports YAML syntax errors with a line', () => {
    const err = errorOf('bad/syntax.yml');
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.details.line).toBeGreaterThanOrEqual(3);
  });

  it('requires at least one app', () => {
    expect(errorOf('bad/no-apps.yml').message).toContain('no apps');
  });

  it('reports a missing file as unreadable', () => {
    const err = errorOf('bad/does-not-exist.yml');
    expect(err.code).toBe('CONFIG_UNREADABLE');
    expect(err.message).toContain('file not found');
  });

  it('lets apps share a prefix when their hosts differ', () => {
    const app = createTempApp();
    try {
      app.write('other.js', '');
      const file = app.write('nodefarm.yml', [
        'apps:',
        '  - { name: a, script: server.js, match: { hosts: [a.example.com] } }',
        '  - { name: b, script: other.js, match: { hosts: b.example.com } }',
        '  - { name: c, script: other.js }',
      ].join('\n'));
      const config = loadFarmConfigFile(file, fixedOptions());
      expect(config.apps.map((a) => a.match.hosts)).toEqual([['a.example.com'], ['b.example.com'], []]);
    } finally {
      app.remove();
    }
  });
});
