import path from 'node:path';
import {
  describeSource, loadFarmConfig, parseServeArgs, settingsCatalogue,
  type AppConfig, type ConfigWarning, type FarmConfig, type SettingSource,
} from '../config/index.ts';
import { isNodefarmError, NodefarmError } from '../errors.ts';

const USAGE = 'usage: nodefarm config print [app.js | --config nodefarm.yml] [--json] [serve options]';

/**
 * `nodefarm config print`: loads the configuration exactly as `serve` would (without needing a port) and
 * prints each app's effective settings with where each value came from, then the warnings. Exit code 0,
 * or 1 with the error's message and hint on stderr.
 */
export async function run(args: string[]): Promise<number> {
  try {
    const [sub, ...rest] = args;
    if (sub !== 'print') throw new NodefarmError('CLI_USAGE', { problem: sub ? `unknown config command '${sub}'; ${USAGE}` : USAGE });
    const json = rest.includes('--json');
    const config = loadFarmConfig(parseServeArgs(rest.filter((a) => a !== '--json')), { requirePort: false });
    process.stdout.write(json ? `${JSON.stringify(config, jsonValue, 2)}\n` : formatConfig(config, process.cwd()));
    return 0;
  } catch (err) {
    if (!isNodefarmError(err)) throw err;
    process.stderr.write(`nodefarm: ${err.message}\n  hint: ${err.hint}\n`);
    return 1;
  }
}

/** The human-readable report: host, then per app its match, env names and settings table, then warnings. */
export function formatConfig(config: FarmConfig, cwd: string): string {
  const rel = (p: string): string => (path.isAbsolute(p) && p.startsWith(cwd + path.sep) ? path.relative(cwd, p) : p);
  const { host } = config;
  const lines = [
    'host',
    `  listen       ${host.listenAddress}:${host.port === 0 ? '0 (no port given)' : host.port}`,
    `  tls          ${host.tls ? `${rel(host.tls.certFile)}, ${rel(host.tls.keyFile)}` : 'off'}`,
    `  farmName     ${host.farmName}`,
    `  serverName   ${host.serverName}`,
    `  adminSocket  ${host.adminSocket}`,
    `  socketDir    ${host.socketDir}`,
    `  scheduling   ${host.hostSchedulingPolicy} (hostSchedulingPolicy)`,
  ];
  for (const app of config.apps) lines.push('', ...formatApp(app, rel));
  lines.push('', config.warnings.length ? 'warnings' : 'warnings: none');
  for (const w of config.warnings) lines.push(`  ${formatWarning(w, rel)}`);
  return `${lines.join('\n')}\n`;
}

function formatApp(app: AppConfig, rel: (p: string) => string): string[] {
  const hosts = app.match.hosts.length ? app.match.hosts.join(', ') : 'any host';
  const envNames = Object.keys(app.env);
  const rows = settingsCatalogue.map((spec) => [
    spec.name, showValue(app.settings[spec.name]), showSource(app.sources[spec.name], rel),
  ] as const);
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(5, ...rows.map((r) => r[1].length));
  return [
    `app ${app.name}`,
    `  script  ${rel(app.script)}`,
    `  match   ${app.match.pathPrefix} on ${hosts}`,
    `  env     ${envNames.length ? `${envNames.join(', ')} (values hidden; --json shows them)` : '(none)'}`,
    `  ${'setting'.padEnd(w0)}  ${'value'.padEnd(w1)}  source`,
    ...rows.map(([name, value, source]) => `  ${name.padEnd(w0)}  ${value.padEnd(w1)}  ${source}`),
  ];
}

function showValue(value: unknown): string {
  if (value === Infinity) return 'Infinite';
  if (value === '') return "''";
  return String(value);
}

function showSource(source: SettingSource, rel: (p: string) => string): string {
  return source.kind === 'file' ? `${rel(source.file)}:${source.line}` : describeSource(source);
}

function formatWarning(w: ConfigWarning, rel: (p: string) => string): string {
  const where = w.file ? `${rel(w.file)}${w.line ? `:${w.line}` : ''}: ` : '';
  return `${where}${w.message}`;
}

// JSON has no Infinity; print it the way the setting is written.
function jsonValue(_key: string, value: unknown): unknown {
  return value === Infinity ? 'Infinite' : value;
}
