import fs from 'node:fs';
import path from 'node:path';
import { NodefarmError } from '../errors.ts';
import { resolveLoaderOptions, type LoaderOptions, type ResolvedLoaderOptions } from './config.ts';
import { deepFreeze } from './deep-freeze.ts';
import type { AppConfig, ConfigWarning, FarmConfig } from './farm-config.ts';
import { normaliseHost, normalisePathPrefix, sameRoute } from './normalise-match.ts';
import { parseIisnodeYml } from './parse-iisnode-yml.ts';
import { parseNodefarmYml, type NodefarmYml, type NodefarmYmlApp } from './parse-nodefarm-yml.ts';
import type { ServeArgs } from './parse-serve-args.ts';
import { readEnvOverrides } from './read-env-overrides.ts';
import { resolveAppSettings } from './resolve-app-settings.ts';
import { resolveHostSettings } from './resolve-host-settings.ts';
import type { SettingAssignment } from './setting-assignment.ts';

const APP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** An app before settings are resolved, with a way to blame the right place for a mistake. */
interface AppDraft {
  readonly yml?: NodefarmYmlApp;
  readonly script: string;
  readonly name: string;
  readonly fail: (key: string, problem: string, line?: number) => NodefarmError;
}

/**
 * Builds the farm from `nodefarm serve` arguments: one app (`serve app.js --port N`), the apps of a
 * nodefarm.yml (`serve --config nodefarm.yml`), or with both the file's host settings and only the given
 * script's app (its entry in the file if it has one). Precedence, lowest first: defaults < nodefarm.yml
 * `iisnode:` < the app's `iisnode:` < IISNODE_* variables < the app's iisnode.yml < command-line flags.
 *
 * Pure apart from reading files: it returns a complete, deep-frozen FarmConfig or throws a NodefarmError
 * and changes nothing, so a reload can keep the running config when the new one is wrong.
 */
export function loadFarmConfig(args: ServeArgs, options: LoaderOptions = {}): FarmConfig {
  const opts = resolveLoaderOptions(options);
  if (args.script === undefined && args.configFile === undefined) {
    throw new NodefarmError('CLI_USAGE', { problem: 'give an app script (nodefarm serve app.js --port 8080) or --config nodefarm.yml' });
  }
  if (args.appName !== undefined && args.script === undefined) {
    throw new NodefarmError('CLI_USAGE', { problem: '--name names the app given as a script; in a nodefarm.yml use the app\'s name key' });
  }
  const yml = args.configFile === undefined ? undefined : readNodefarmYml(path.resolve(opts.cwd, args.configFile), opts);
  const env = readEnvOverrides(opts.env);
  const warnings: ConfigWarning[] = [...(yml?.warnings ?? []), ...env.warnings];
  const apps = draftApps(args, yml, opts).map((draft) => buildApp(draft, yml, env.assignments, args.settings, opts, warnings));
  checkUnique(apps, yml);
  const host = resolveHostSettings(args, yml, opts);
  return deepFreeze({ host, apps, warnings });
}

/** loadFarmConfig for a nodefarm.yml alone (what a reload re-reads). */
export function loadFarmConfigFile(configFile: string, options: LoaderOptions = {}): FarmConfig {
  return loadFarmConfig({ configFile, settings: [] }, options);
}

function readNodefarmYml(file: string, opts: ResolvedLoaderOptions): NodefarmYml {
  return parseNodefarmYml(readText(file, 'required'), file, opts.env);
}

/** A file's text; '' when optional and absent (iisnode: a missing or empty override file is no override). */
function readText(file: string, mode: 'required' | 'optional'): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (mode === 'optional' && (code === 'ENOENT' || code === 'ENOTDIR')) return '';
    const problem = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code ?? String(err)})`;
    throw new NodefarmError('CONFIG_UNREADABLE', { file, problem }, { cause: err });
  }
}

function draftApps(args: ServeArgs, yml: NodefarmYml | undefined, opts: ResolvedLoaderOptions): AppDraft[] {
  const ymlFail = (entry: NodefarmYmlApp) => (key: string, problem: string, line?: number): NodefarmError => {
    const key0 = `apps[${yml?.apps.indexOf(entry) ?? 0}].${key}`;
    return new NodefarmError('CONFIG_INVALID', { file: yml?.file ?? '', line: line ?? entry.line, key: key0, problem });
  };
  if (args.script === undefined) {
    return (yml?.apps ?? []).map((entry) => ({
      yml: entry, script: entry.script.value, name: entry.name?.value ?? baseName(entry.script.value),
      fail: ymlFail(entry),
    }));
  }
  const script = path.resolve(opts.cwd, args.script);
  const entry = yml?.apps.find((a) => a.script.value === script);
  const name = args.appName ?? entry?.name?.value ?? baseName(script);
  if (entry && args.appName === undefined) return [{ yml: entry, script, name, fail: ymlFail(entry) }];
  return [{
    ...(entry ? { yml: entry } : {}), script, name,
    fail: (key, problem) => new NodefarmError('CLI_USAGE', { problem: `${key}: ${problem}` }),
  }];
}

function buildApp(
  draft: AppDraft, yml: NodefarmYml | undefined, envLayer: readonly SettingAssignment[],
  cliLayer: readonly SettingAssignment[], opts: ResolvedLoaderOptions, warnings: ConfigWarning[],
): AppConfig {
  const { yml: entry, script, name, fail } = draft;
  if (!isFile(script)) throw fail('script', `app script ${script} does not exist or is not a file`, entry?.script.line);
  if (!APP_NAME.test(name)) {
    throw fail('name', `invalid app name '${name}': use letters, digits, '.', '_' and '-' (set one with ${entry ? 'name:' : '--name'})`, entry?.name?.line);
  }
  const prefix = normalisePathPrefix(entry?.pathPrefix?.value ?? '/');
  if (!prefix.ok) throw fail('match.pathPrefix', prefix.problem, entry?.pathPrefix?.line);
  const hosts: string[] = [];
  for (const text of entry?.hosts ?? []) {
    const host = normaliseHost(text);
    if (!host.ok) throw fail('match.hosts', host.problem);
    if (!hosts.includes(host.value)) hosts.push(host.value);
  }
  const dir = path.dirname(script);
  const fileLayers = [yml?.farmSettings ?? [], entry?.settings ?? []];
  const overrides = readOverrideFile(dir, [...fileLayers, envLayer, cliLayer], opts, warnings);
  const resolved = resolveAppSettings(name, [...fileLayers, envLayer, overrides, cliLayer], opts.cpuCount);
  warnings.push(...resolved.warnings);
  return {
    name, script, dir, match: { pathPrefix: prefix.value, hosts }, env: { ...(entry?.env ?? {}) },
    settings: resolved.settings, sources: resolved.sources,
  };
}

/** The app's iisnode.yml (named by configOverrides from every other layer; empty name = none). */
function readOverrideFile(
  dir: string, layers: readonly (readonly SettingAssignment[])[], opts: ResolvedLoaderOptions, warnings: ConfigWarning[],
): readonly SettingAssignment[] {
  let name = 'iisnode.yml';
  for (const layer of layers) for (const a of layer) if (a.name === 'configOverrides') name = String(a.value);
  if (name === '') return [];
  const file = path.resolve(dir, name);
  const parsed = parseIisnodeYml(readText(file, 'optional'), file, opts.env);
  warnings.push(...parsed.warnings);
  return parsed.assignments;
}

function checkUnique(apps: readonly AppConfig[], yml: NodefarmYml | undefined): void {
  apps.forEach((app, i) => {
    const other = apps.slice(0, i).find((a) => a.name === app.name || sameRoute(a.match, app.match));
    if (!other) return;
    const entry = yml?.apps[i];
    const problem = other.name === app.name
      ? `app name '${app.name}' is used twice; app names must be unique`
      : `apps '${other.name}' and '${app.name}' both match prefix ${app.match.pathPrefix} on ${app.match.hosts.length ? app.match.hosts.join(', ') : 'any host'}`;
    const key = `apps[${i}].${other.name === app.name ? 'name' : 'match'}`;
    throw new NodefarmError('CONFIG_INVALID', { file: yml?.file ?? '(command line)', line: entry?.name?.line ?? entry?.line ?? 0, key, problem });
  });
}

function baseName(script: string): string {
  return path.basename(script, path.extname(script)).replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'app';
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
