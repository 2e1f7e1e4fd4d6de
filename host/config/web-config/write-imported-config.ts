import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { isNodefarmError } from '../../errors.ts';
import { loadFarmConfigFile } from '../load-farm-config.ts';
import { parseIisnodeYml } from '../parse-iisnode-yml.ts';
import type { ImportFinding, WebConfigImport } from './config.ts';
import { importWebConfig } from './import-web-config.ts';
import { renderIisnodeYml, renderNodefarmYml } from './render-config.ts';

/** Options of {@link convertWebConfig}. */
export interface ConvertOptions {
  readonly webConfig: string;
  /** Output file; default nodefarm.yml (or iisnode.yml with `format: 'iisnode-yml'`) next to the web.config. */
  readonly out?: string;
  readonly format?: 'nodefarm-yml' | 'iisnode-yml';
  /** App name; default the script's base name. */
  readonly appName?: string;
  /** Script to use when web.config names none (or to override it), relative to the web.config folder. */
  readonly script?: string;
  /** Replace an existing output file. */
  readonly force?: boolean;
  /** Environment for checking `%VAR%` values while validating (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** What happened: the file written (or why not) and the full report. */
export type ConvertResult =
  | { readonly ok: true; readonly outFile: string; readonly imported: WebConfigImport; readonly unmapped: readonly ImportFinding[] }
  | { readonly ok: false; readonly problem: string; readonly imported?: WebConfigImport };

/**
 * Reads a web.config, renders the nodefarm config, and validates it with the real loader before anything
 * is written: the text goes to a temporary file next to the output (so relative paths resolve the same),
 * is loaded, then renamed into place. An invalid result is reported and nothing is left behind.
 */
export function convertWebConfig(options: ConvertOptions): ConvertResult {
  const source = path.resolve(options.webConfig);
  let text: string;
  try {
    text = fs.readFileSync(source, 'utf8');
  } catch (err) {
    return { ok: false, problem: `cannot read ${source}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  const parsed = importWebConfig(text);
  if (!parsed.ok) return { ok: false, problem: `${source}:${parsed.line}: ${parsed.problem}` };
  const imported = parsed.result;
  const format = options.format ?? 'nodefarm-yml';
  const sourceDir = path.dirname(source);
  const outFile = path.resolve(options.out ?? path.join(sourceDir, format === 'iisnode-yml' ? 'iisnode.yml' : 'nodefarm.yml'));
  if (!options.force && fs.existsSync(outFile)) {
    return { ok: false, problem: `${outFile} exists; pass --force to replace it`, imported };
  }
  const script = options.script ?? imported.script;
  let rendered: string;
  let unmapped = [...imported.unmapped];
  if (format === 'iisnode-yml') {
    const r = renderIisnodeYml(imported, path.basename(source));
    rendered = r.text;
    unmapped = [...unmapped, ...r.left];
  } else {
    if (!script) {
      return { ok: false, problem: 'web.config names no app script (no iisnode handler, rewrite rule or default document); give --script', imported };
    }
    const appName = options.appName ?? (path.basename(script, path.extname(script)).replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'app');
    rendered = renderNodefarmYml(imported, { sourceDir, outFile, sourceName: path.basename(source), appName, script });
  }
  const temp = path.join(path.dirname(outFile), `.${path.basename(outFile)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    fs.writeFileSync(temp, rendered, { flag: 'wx' });
    const env = options.env ?? process.env;
    if (format === 'iisnode-yml') parseIisnodeYml(rendered, outFile, env);
    else loadFarmConfigFile(temp, { env, requirePort: false });
    fs.renameSync(temp, outFile);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    const why = isNodefarmError(err) ? `${err.message.replace(temp, outFile)} (${err.hint})` : String(err);
    return { ok: false, problem: `the imported configuration does not load: ${why}`, imported };
  }
  return { ok: true, outFile, imported, unmapped };
}
