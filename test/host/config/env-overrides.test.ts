import { loadFarmConfig, parseServeArgs } from '../../../host/config/index.ts';
import { NodefarmError } from '../../../host/errors.ts';
import { createTempApp, fixedOptions, type TempApp } from './temp-app.ts';

describe('IISNODE_* environment overrides', () => {
  let app: TempApp;
  beforeEach(() => { app = createTempApp(); });
  afterEach(() => app.remove());

  const load = (env: Record<string, string>) => loadFarmConfig(parseServeArgs([app.script]), fixedOptions({ env }));

  it('sets a setting from IISNODE_<name> and records the variable as the source', () => {
    const config = load({ IISNODE_maxLogFiles: '7', IISNODE_enableXFF: 'yes' });
    expect(config.apps[0]!.settings).toMatchObject({ maxLogFiles: 7, enableXFF: true });
    expect(config.apps[0]!.sources.maxLogFiles).toEqual({ kind: 'env', variable: 'IISNODE_maxLogFiles' });
  });

  it('matches the setting part of the name case-insensitively', () => {
    const config = load({ IISNODE_NODEPROCESSCOUNTPERAPPLICATION: '3' });
    expect(config.apps[0]!.settings.nodeProcessCountPerApplication).toBe(3);
  });

  it('accepts IISNODE_debugPortRange as well as IISNODE_debuggerPortRange', () => {
    expect(load({ IISNODE_debugPortRange: '9000-9010' }).apps[0]!.settings.debuggerPortRange).toBe('9000-9010');
  });

  it('treats an empty variable as unset', () => {
    const config = load({ IISNODE_maxLogFiles: '' });
    expect(config.apps[0]!.sources.maxLogFiles).toEqual({ kind: 'default' });
  });

  it('leaves variables that name no setting alone', () => {
    expect(() => load({ IISNODE_CONTROL_PIPE: '/tmp/x.sock', IISNODE_VERSION: 'x' })).not.toThrow();
  });

  it('rejects a bad value with an error naming the variable, value and what is expected', () => {
    expect.assertions(3);
    try {
      load({ IISNODE_maxNamedPipeConnectionRetry: 'ten' });
    } catch (err) {
      expect(err).toBeInstanceOf(NodefarmError);
      expect((err as NodefarmError).code).toBe('CONFIG_ENV_INVALID');
      expect((err as NodefarmError).message).toBe(
        "environment variable IISNODE_maxNamedPipeConnectionRetry: invalid value 'ten': not a whole number; expected a whole number from 0 to 4294967295",
      );
    }
  });

  it('rejects two spellings of one setting with different values', () => {
    expect(() => load({ IISNODE_maxLogFiles: '3', IISNODE_MAXLOGFILES: '4' })).toThrow(/set only one of them/);
  });

  it('expands variables in the settings iisnode expands', () => {
    const config = load({ IISNODE_logDirectory: '${LOGS}/app', LOGS: '/var/log' });
    expect(config.apps[0]!.settings.logDirectory).toBe('/var/log/app');
  });
});
