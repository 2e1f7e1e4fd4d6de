import path from 'node:path';
import { stringify } from 'yaml';
import { findSetting } from '../settings-catalogue.ts';
import type { ImportFinding, WebConfigImport } from './config.ts';

/** Where the imported config goes and what the app is called. */
export interface RenderTarget {
  /** Absolute folder of the web.config (relative script paths start there). */
  readonly sourceDir: string;
  /** Absolute path of the file being written (relative paths in it are taken from its folder). */
  readonly outFile: string;
  /** The web.config's name, for the header comment. */
  readonly sourceName: string;
  readonly appName: string;
  readonly script: string;
}

/** A nodefarm.yml with one app: the script, its environment and its iisnode settings. */
export function renderNodefarmYml(imported: WebConfigImport, target: RenderTarget): string {
  const script = path.relative(path.dirname(target.outFile), path.resolve(target.sourceDir, target.script)) || target.script;
  const app: Record<string, unknown> = { name: target.appName, script: script.split(path.sep).join('/') };
  if (imported.env.length) app.env = Object.fromEntries(imported.env.map((v) => [v.key, v.value]));
  if (imported.settings.length) app.iisnode = Object.fromEntries(imported.settings.map((s) => [s.name, yamlScalar(s.name, s.value)]));
  const header = [
    `# Imported from ${target.sourceName} by \`nodefarm import-webconfig\`.`,
    '# IIS site bindings are not part of web.config: give `--port` to `nodefarm serve` or add',
    '# `listen: { port: 8080 }` here.',
    ...notImported(imported.unmapped),
  ];
  return `${header.join('\n')}\n${stringify({ apps: [app] }, { lineWidth: 0 })}`;
}

/**
 * An iisnode.yml (iisnode's own line syntax) with the settings it can hold. The script, the environment
 * and settings without an iisnode.yml key cannot go there; they are returned as extra report lines.
 */
export function renderIisnodeYml(imported: WebConfigImport, sourceName: string): { text: string; left: ImportFinding[] } {
  const left: ImportFinding[] = [];
  const lines = [`# Imported from ${sourceName} by nodefarm import-webconfig.`];
  for (const s of imported.settings) {
    const key = findSetting(s.name)?.ymlKeys[0];
    if (!key) left.push({ line: s.line, what: s.name, note: 'cannot be set in iisnode.yml; put it in nodefarm.yml' });
    else if (s.value.includes('#')) left.push({ line: s.line, what: s.name, note: "the value holds '#', which starts a comment in iisnode.yml" });
    else if (s.value.trim() !== s.value || s.value === '') left.push({ line: s.line, what: s.name, note: 'iisnode.yml cannot hold leading/trailing spaces or an empty value' });
    else lines.push(`${key}: ${s.value}`);
  }
  for (const v of imported.env) {
    left.push({ line: v.line, what: `appSettings ${v.key}`, note: 'environment variables cannot be set in iisnode.yml; use nodefarm.yml (apps[].env)' });
  }
  return { text: `${lines.join('\n')}\n`, left };
}

/** Numbers and booleans unquoted (`2`, `false`), as a person would write them; anything else stays a string. */
function yamlScalar(name: string, text: string): string | number | boolean {
  const type = findSetting(name)?.type;
  if ((type === 'uint' || type === 'uint-or-infinite') && /^\d{1,15}$/.test(text)) return Number(text);
  if (type === 'bool' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

function notImported(unmapped: readonly ImportFinding[]): string[] {
  if (unmapped.length === 0) return [];
  // One line per finding, without anything that could end the comment early.
  return ['# Not imported:', ...unmapped.map((u) => `#   line ${u.line}: ${u.what}: ${u.note}`.replace(/[\r\n]/g, ' '))];
}
