import path from 'node:path';
import { yaml } from './load-yaml.ts';
import { NodefarmError } from '../errors.ts';
import type { ConfigWarning } from './farm-config.ts';
import { suggest } from './did-you-mean.ts';
import { readTelemetryYml, type TelemetryYml } from './read-telemetry-yml.ts';
import { readSettingText, type SettingAssignment } from './setting-assignment.ts';
import { allSettingNames, findSetting } from './settings-catalogue.ts';
import { YamlReader, type Entry } from './yaml-reader.ts';

/** A value read from nodefarm.yml with the line it came from. */
export interface Located<T> {
  readonly value: T;
  readonly line: number;
}

/** One `apps:` entry, shape-checked; paths are absolute (relative ones are taken from the file's folder). */
export interface NodefarmYmlApp {
  readonly line: number;
  readonly name?: Located<string>;
  readonly script: Located<string>;
  readonly pathPrefix?: Located<string>;
  readonly hosts: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly settings: readonly SettingAssignment[];
}

/** What a nodefarm.yml says, before defaults and the other layers are applied. */
export interface NodefarmYml {
  readonly file: string;
  readonly listenAddress?: Located<string>;
  readonly port?: Located<number>;
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  readonly farmName?: Located<string>;
  readonly serverName?: Located<string>;
  readonly adminSocket?: Located<string>;
  readonly socketDir?: Located<string>;
  readonly hostSchedulingPolicy?: Located<string>;
  /** The `telemetry:` section (docs/telemetry.md). */
  readonly telemetry?: TelemetryYml;
  /** Settings under the top-level `iisnode:`, applied to every app below the app's own. */
  readonly farmSettings: readonly SettingAssignment[];
  readonly apps: readonly NodefarmYmlApp[];
  readonly warnings: readonly ConfigWarning[];
}

const TOP_KEYS = ['farmName', 'serverName', 'hostSchedulingPolicy', 'listen', 'tls', 'adminSocket', 'socketDir', 'iisnode', 'telemetry', 'apps'];
const APP_KEYS = ['name', 'script', 'match', 'env', 'iisnode'];

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses a nodefarm.yml (real YAML). Unknown keys are errors with a did-you-mean; iisnode settings use the
 * same names (case-insensitive) and the same value rules as iisnode.yml; an empty value changes nothing.
 * Throws NodefarmError CONFIG_INVALID with the file and line of the first problem.
 */
export function parseNodefarmYml(text: string, file: string, env: Env): NodefarmYml {
  const lineCounter = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const line = lineCounter.linePos(first.pos[0]).line;
    throw new NodefarmError('CONFIG_INVALID', { file, line, key: '(yaml)', problem: first.message.split('\n')[0] });
  }
  const r = new YamlReader(file, doc, lineCounter);
  const dir = path.dirname(file);
  const warnings: ConfigWarning[] = [];
  const out: Record<string, unknown> = { file, farmSettings: [], apps: [], warnings };
  let sawApps = false;
  for (const entry of r.entries(r.resolve(doc.contents), '', 1, TOP_KEYS)) {
    switch (entry.key) {
      case 'farmName': case 'serverName': case 'hostSchedulingPolicy':
        out[entry.key] = located(r.requiredText(entry), entry);
        break;
      case 'adminSocket': case 'socketDir':
        out[entry.key] = located(path.resolve(dir, r.requiredText(entry)), entry);
        break;
      case 'listen':
        for (const e of r.entries(entry.node, 'listen', entry.line, ['address', 'port'])) {
          if (e.key === 'listen.address') out.listenAddress = located(r.requiredText(e), e);
          else out.port = located(readPort(r, e), e);
        }
        break;
      case 'tls': {
        const tls: Record<string, string> = {};
        for (const e of r.entries(entry.node, 'tls', entry.line, ['certFile', 'keyFile'])) {
          tls[e.key.slice(4)] = path.resolve(dir, r.requiredText(e));
        }
        if (!tls.certFile || !tls.keyFile) throw r.error(entry.line, 'tls', 'both certFile and keyFile are required');
        out.tls = { certFile: tls.certFile, keyFile: tls.keyFile };
        break;
      }
      case 'iisnode':
        out.farmSettings = readSettings(r, entry, env, warnings);
        break;
      case 'telemetry':
        out.telemetry = readTelemetryYml(r, entry);
        break;
      case 'apps':
        sawApps = true;
        out.apps = r.items(entry).map((item, index) => readApp(r, item, index, dir, env, warnings));
        break;
    }
  }
  if (!sawApps || (out.apps as unknown[]).length === 0) {
    throw r.error(1, 'apps', 'no apps: add an `apps:` list with at least one entry (name, script)');
  }
  return out as unknown as NodefarmYml;
}

function readApp(
  r: YamlReader, item: { node: Entry['node']; line: number }, index: number, dir: string, env: Env,
  warnings: ConfigWarning[],
): NodefarmYmlApp {
  const app: Record<string, unknown> = { line: item.line, hosts: [], env: {}, settings: [] };
  const prefix = `apps[${index}]`;
  for (const entry of r.entries(item.node, prefix, item.line, APP_KEYS)) {
    switch (entry.key.slice(prefix.length + 1)) {
      case 'name': app.name = located(r.requiredText(entry), entry); break;
      case 'script': app.script = located(path.resolve(dir, r.requiredText(entry)), entry); break;
      case 'match':
        for (const e of r.entries(entry.node, entry.key, entry.line, ['pathPrefix', 'hosts'])) {
          if (e.key.endsWith('.pathPrefix')) app.pathPrefix = located(r.requiredText(e), e);
          else app.hosts = r.list(e);
        }
        break;
      case 'env': {
        const vars: Record<string, string> = {};
        for (const e of r.entries(entry.node, entry.key, entry.line, null)) {
          const name = e.key.slice(entry.key.length + 1);
          if (name === '' || name.includes('=')) throw r.error(e.line, e.key, `'${name}' is not a valid variable name`);
          vars[name] = r.text(e) ?? ''; // iisnode's appSettings: an empty value gives an empty variable
        }
        app.env = vars;
        break;
      }
      case 'iisnode': app.settings = readSettings(r, entry, env, warnings); break;
    }
  }
  if (!app.script) throw r.error(item.line, `${prefix}.script`, 'each app needs a script (the entry file, e.g. server.js)');
  return app as unknown as NodefarmYmlApp;
}

function readSettings(r: YamlReader, entry: Entry, env: Env, warnings: ConfigWarning[]): SettingAssignment[] {
  const out: SettingAssignment[] = [];
  for (const e of r.entries(entry.node, entry.key, entry.line, null)) {
    const name = e.key.slice(entry.key.length + 1);
    const spec = findSetting(name);
    if (!spec) {
      const close = suggest(name, allSettingNames());
      throw r.error(e.line, e.key, `unknown setting '${name}'${close ? `; did you mean '${close}'?` : ''}`);
    }
    const text = r.text(e);
    if (text === undefined) continue;
    const result = readSettingText(spec, text, env);
    if (!result.ok) throw r.error(e.line, e.key, result.problem, text);
    for (const missing of result.missing) {
      warnings.push({ file: r.file, line: e.line, key: e.key, message: `environment variable '${missing}' is not set; it expanded to nothing` });
    }
    out.push({ name: spec.name, value: result.value, source: { kind: 'file', file: r.file, line: e.line } });
  }
  return out;
}

function readPort(r: YamlReader, entry: Entry): number {
  const text = r.requiredText(entry);
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw r.error(entry.line, entry.key, `invalid value '${text}': expected a port number from 0 to 65535`, text);
  }
  return port;
}

function located<T>(value: T, entry: Entry): Located<T> {
  return { value, line: entry.line };
}
