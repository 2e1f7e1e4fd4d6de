import { NodefarmError } from '../errors.ts';
import { suggest } from './did-you-mean.ts';
import { readSettingText, type SettingAssignment } from './setting-assignment.ts';
import { allSettingNames, findSetting } from './settings-catalogue.ts';

/**
 * The command line of `nodefarm serve` (and `nodefarm config print`), parsed and checked but not yet merged
 * with any file: `serve <app.js> --port <n> [--host addr]`, `serve --config nodefarm.yml`, or both.
 */
export interface ServeArgs {
  /** The app's entry script as typed (resolved against the current folder by the loader). */
  readonly script?: string;
  /** A nodefarm.yml, as typed. */
  readonly configFile?: string;
  readonly port?: number;
  readonly listenAddress?: string;
  readonly tlsCertFile?: string;
  readonly tlsKeyFile?: string;
  readonly farmName?: string;
  readonly serverName?: string;
  readonly adminSocket?: string;
  readonly socketDir?: string;
  /** `--host-scheduling adaptive|batch|normal`, checked by the loader. */
  readonly hostSchedulingPolicy?: string;
  /** App name for `serve app.js` (default: the script's base name). */
  readonly appName?: string;
  /** `--<setting> value` flags, highest precedence, applied to every app. */
  readonly settings: readonly SettingAssignment[];
}

type HostFlag = Exclude<keyof ServeArgs, 'script' | 'settings' | 'port'>;

const HOST_FLAGS: Readonly<Record<string, HostFlag>> = {
  '--config': 'configFile', '--host': 'listenAddress', '--tls-cert': 'tlsCertFile', '--tls-key': 'tlsKeyFile',
  '--farm-name': 'farmName', '--server-name': 'serverName', '--admin-socket': 'adminSocket',
  '--socket-dir': 'socketDir', '--name': 'appName', '--host-scheduling': 'hostSchedulingPolicy',
};

/** Every flag `serve` knows besides the settings, for usage messages. */
export const serveFlags: readonly string[] = ['--port', ...Object.keys(HOST_FLAGS)];

/**
 * Parses `serve` arguments. Flags take `--flag value` or `--flag=value`; any iisnode setting is a flag
 * (`--nodeProcessCountPerApplication 4`, case-insensitive), and a bool setting may stand alone for `true`.
 * Throws NodefarmError CLI_USAGE naming the flag, the value and what was expected.
 */
export function parseServeArgs(args: readonly string[]): ServeArgs {
  const out: Record<string, unknown> = {};
  const settings: SettingAssignment[] = [];
  const usage = (problem: string): NodefarmError => new NodefarmError('CLI_USAGE', { problem });
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      if (out.script !== undefined) throw usage(`only one app script may be given (got '${String(out.script)}' and '${arg}'); use --config nodefarm.yml for several apps`);
      out.script = arg;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const next = args[i + 1];
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const spec = HOST_FLAGS[flag] === undefined && flag !== '--port' ? findSetting(flag.slice(2)) : undefined;
    let value = inline;
    if (value === undefined) {
      const bareBool = spec?.type === 'bool' && (next === undefined || next.startsWith('--'));
      if (bareBool) value = 'true';
      else if (next === undefined || next.startsWith('--')) throw usage(`${flag} needs a value`);
      else value = args[++i]!;
    }
    if (flag === '--port') {
      const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
      if (!(port >= 0 && port <= 65535)) throw usage(`--port: invalid value '${value}': expected a port number from 0 to 65535`);
      out.port = port;
    } else if (HOST_FLAGS[flag] !== undefined) {
      if (value === '') throw usage(`${flag} needs a value`);
      out[HOST_FLAGS[flag]] = value;
    } else if (spec) {
      // The shell has already expanded variables on a command line, so flags are not expanded again.
      const result = readSettingText(spec, value, null);
      if (!result.ok) throw usage(`${flag}: ${result.problem}`);
      settings.push({ name: spec.name, value: result.value, source: { kind: 'cli', flag } });
    } else {
      const close = suggest(flag.slice(2), [...serveFlags.map((f) => f.slice(2)), ...allSettingNames()]);
      throw usage(`unknown option ${flag}${close ? `; did you mean --${close}?` : ''}`);
    }
  }
  return { ...out, settings } as ServeArgs;
}
