import { loadFarmConfig, parseServeArgs } from '../../../host/config/index.ts';
import { createTempApp, fixedOptions, type TempApp } from './temp-app.ts';

describe('Setting precedence', () => {
  let app: TempApp;
  beforeEach(() => { app = createTempApp(); });
  afterEach(() => app.remove());

  const farmYml = (settings: string): string => app.write('nodefarm.yml', [
    'iisnode:', '  maxLogFiles: 2', '  enableXFF: true',
    'apps:', '  - script: server.js', '    iisnode:', ...settings.split('\n').map((l) => `      ${l}`), '',
  ].join('\n'));

  it('lets iisnode.yml beat nodefarm.yml and the defaults (iisnode test 124)', () => {
    const file = farmYml('nodeProcessCountPerApplication: 2');
    app.write('iisnode.yml', 'nodeProcessCountPerApplication: 4\n');
    const config = loadFarmConfig(parseServeArgs(['--config', file]), fixedOptions());
    expect(config.apps[0]!.settings.nodeProcessCountPerApplication).toBe(4);
    expect(config.apps[0]!.sources.nodeProcessCountPerApplication).toEqual({ kind: 'file', file: `${app.dir}/iisnode.yml`, line: 1 });
  });

  it('applies defaults < nodefarm.yml iisnode < app iisnode < IISNODE_* < iisnode.yml < flags', () => {
    const file = farmYml('maxLogFiles: 3\nmaxLogFileSizeInKB: 3\nmaxTotalLogFileSizeInKB: 3\ngracefulShutdownTimeout: 3');
    app.write('iisnode.yml', 'maxTotalLogFileSizeInKB: 5\ngracefulShutdownTimeout: 5\n');
    const env = { IISNODE_maxLogFileSizeInKB: '4', IISNODE_maxTotalLogFileSizeInKB: '4', IISNODE_gracefulShutdownTimeout: '4' };
    const config = loadFarmConfig(parseServeArgs(['--config', file, '--gracefulShutdownTimeout', '6']), fixedOptions({ env }));
    const { settings, sources } = config.apps[0]!;
    expect([settings.maxRequestBufferSize, settings.enableXFF, settings.maxLogFiles, settings.maxLogFileSizeInKB,
      settings.maxTotalLogFileSizeInKB, settings.gracefulShutdownTimeout]).toEqual([65536, true, 3, 4, 5, 6]);
    expect(sources.maxRequestBufferSize).toEqual({ kind: 'default' });
    expect(sources.enableXFF).toEqual({ kind: 'file', file, line: 3 });
    expect(sources.maxLogFiles).toEqual({ kind: 'file', file, line: 7 });
    expect(sources.maxLogFileSizeInKB).toEqual({ kind: 'env', variable: 'IISNODE_maxLogFileSizeInKB' });
    expect(sources.maxTotalLogFileSizeInKB).toEqual({ kind: 'file', file: `${app.dir}/iisnode.yml`, line: 1 });
    expect(sources.gracefulShutdownTimeout).toEqual({ kind: 'cli', flag: '--gracefulShutdownTimeout' });
  });

  it('leaves a setting alone when iisnode.yml gives it an empty value', () => {
    app.write('iisnode.yml', 'maxLogFiles:\n');
    const config = loadFarmConfig(parseServeArgs([app.script]), fixedOptions({ env: { IISNODE_maxLogFiles: '9' } }));
    expect(config.apps[0]!.settings.maxLogFiles).toBe(9);
  });

  it('resolves nodeProcessCountPerApplication 0 to the CPU count as a derived value', () => {
    app.write('iisnode.yml', 'nodeProcessCountPerApplication: 0\n');
    const config = loadFarmConfig(parseServeArgs([app.script]), fixedOptions());
    expect(config.apps[0]!.settings.nodeProcessCountPerApplication).toBe(4);
    expect(config.apps[0]!.sources.nodeProcessCountPerApplication).toMatchObject({ kind: 'derived' });
  });

  it('reads the override file named by configOverrides, and none when it is empty', () => {
    app.write('custom.yml', 'maxLogFiles: 11\n');
    app.write('iisnode.yml', 'maxLogFiles: 12\n');
    const named = loadFarmConfig(parseServeArgs([app.script, '--configOverrides', 'custom.yml']), fixedOptions());
    expect(named.apps[0]!.settings.maxLogFiles).toBe(11);
    const none = loadFarmConfig(parseServeArgs([app.script]), fixedOptions({ env: { IISNODE_configOverrides: '' } }));
    expect(none.apps[0]!.settings.maxLogFiles).toBe(12); // an empty variable is unset, so iisnode.yml still applies
    const off = loadFarmConfig(parseServeArgs([app.script, '--configOverrides=']), fixedOptions());
    expect(off.apps[0]!.settings.maxLogFiles).toBe(20);
  });

  it('warns once per setting without a Linux meaning that something set', () => {
    app.write('iisnode.yml', 'idlePageOutTimePeriod: 1000\nasyncCompletionThreadCount: 2\n');
    const config = loadFarmConfig(parseServeArgs([app.script]), fixedOptions());
    expect(config.warnings.map((w) => w.key)).toEqual(['asyncCompletionThreadCount', 'idlePageOutTimePeriod']);
    expect(config.warnings[0]!.message).toContain('has no effect on Linux');
  });

  it('returns a deep-frozen config', () => {
    const config = loadFarmConfig(parseServeArgs([app.script]), fixedOptions());
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.apps[0]!.settings)).toBe(true);
    expect(Object.isFrozen(config.apps[0]!.match.hosts)).toBe(true);
    expect(Object.isFrozen(config.host)).toBe(true);
  });

  it('keeps nothing of a failed load, so the previous config stays usable', () => {
    const good = loadFarmConfig(parseServeArgs([app.script]), fixedOptions());
    app.write('iisnode.yml', 'maxLogFiles: 3\nloggingEnabled: sometimes\n');
    expect(() => loadFarmConfig(parseServeArgs([app.script]), fixedOptions())).toThrow(/iisnode\.yml:2: loggingEnabled/);
    expect(good.apps[0]!.settings.maxLogFiles).toBe(20);
  });
});
