/**
 * `nodefarm import-webconfig <web.config> [--out file] [--iisnode-yml] [--name app] [--script file] [--force]`:
 * turns an IIS web.config into a nodefarm.yml (or an iisnode.yml), validated with the real config loader,
 * and prints what was mapped and what was not, with why.
 */
import { convertWebConfig, type ConvertOptions, type ImportFinding } from '../config/web-config/index.ts';

const USAGE = 'usage: nodefarm import-webconfig <web.config> [--out <file>] [--iisnode-yml] [--name <app>] [--script <file>] [--force]\n';

/** Exit codes: 0 written (unmapped items are reported, not errors), 1 not written, 2 bad arguments. */
export async function run(args: string[]): Promise<number> {
  const opts: { -readonly [K in keyof ConvertOptions]: ConvertOptions[K] } = { webConfig: '' };
  const valueFlags: Record<string, 'out' | 'appName' | 'script'> = { '--out': 'out', '--name': 'appName', '--script': 'script' };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const key = valueFlags[arg];
    if (key && args[i + 1] !== undefined) opts[key] = args[++i];
    else if (arg === '--iisnode-yml') opts.format = 'iisnode-yml';
    else if (arg === '--force') opts.force = true;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      return 0;
    } else if (!arg.startsWith('-') && opts.webConfig === '') opts.webConfig = arg;
    else return usage(`unknown argument '${arg}'`);
  }
  if (opts.webConfig === '') return usage('name the web.config to import');
  const result = convertWebConfig(opts);
  if (!result.ok) {
    if (result.imported) printReport(result.imported.mapped, result.imported.unmapped);
    process.stderr.write(`nodefarm import-webconfig: ${result.problem}\n`);
    return 1;
  }
  const { imported } = result;
  process.stdout.write(`wrote ${result.outFile}: ${imported.settings.length} setting(s), ${imported.env.length} environment variable(s)` +
    `${imported.script ? `, script ${imported.script}` : ''}\n`);
  printReport(imported.mapped, result.unmapped);
  return 0;
}

function printReport(mapped: readonly ImportFinding[], unmapped: readonly ImportFinding[]): void {
  const line = (f: ImportFinding): string => `  ${f.line ? `line ${f.line}: ` : ''}${f.what}: ${f.note}\n`;
  if (mapped.length) process.stdout.write(`mapped:\n${mapped.map(line).join('')}`);
  if (unmapped.length) process.stdout.write(`not mapped (${unmapped.length}):\n${unmapped.map(line).join('')}`);
}

function usage(problem: string): number {
  process.stderr.write(`nodefarm import-webconfig: ${problem}\n${USAGE}`);
  return 2;
}
