/**
 * Command-line options of the processors' commands (`nodefarm gateway`, `nodefarm ingest`) described as one table:
 * each option has a flag, an environment variable and a dotted path in the command's config input. One parser
 * turns variables and flags into that input; the command's own validator then checks the values.
 */

export type OptionKind = 'string' | 'int' | 'list' | 'bool';

export interface OptionSpec {
  /** Dotted path in the command's config input. */
  readonly path: string;
  readonly flag: string;
  readonly env: string;
  /** A second, shared variable read when `env` is unset (e.g. the migrator's NODEFARM_CLICKHOUSE_*). */
  readonly sharedEnv?: string;
  readonly kind: OptionKind;
  readonly help: string;
}

export type ParsedOptionTable =
  | { readonly ok: true; readonly help: boolean; readonly input: Record<string, unknown> }
  | { readonly ok: false; readonly problem: string };

/** Builds specs from `[path, flag, kind, help]` rows; `envOf` names each row's variable. */
export function optionTable(rows: readonly (readonly [string, string, OptionKind, string])[],
  envOf: (flag: string) => string, sharedEnvOf: (flag: string) => string | undefined = () => undefined): OptionSpec[] {
  return rows.map(([path, flag, kind, help]) => ({ path, flag, kind, help, env: envOf(flag), sharedEnv: sharedEnvOf(flag) }));
}

/** Text to the kind's value; text that does not fit is kept as it is so the validator can name it. */
export function convertOption(kind: OptionKind, raw: string): unknown {
  const t = raw.trim();
  switch (kind) {
    case 'int': return /^\d+$/.test(t) ? Number(t) : raw;
    case 'list': return raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    case 'bool': return ['1', 'true', 'yes', 'on'].includes(t.toLowerCase()) ? true
      : ['0', 'false', 'no', 'off'].includes(t.toLowerCase()) ? false : raw;
    default: return raw;
  }
}

/** Sets `target.a.b.c` for the path `a.b.c`, creating the objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1] as string] = value;
}

/**
 * Variables first, then flags over them: `--name value`, `--name=value`, and `--no-name` for booleans.
 * `onValue` may take a flag's value itself (return true), e.g. to read a secret from a file instead of the path.
 */
export function parseOptionTable(specs: readonly OptionSpec[], args: readonly string[], env: NodeJS.ProcessEnv,
  onValue: (spec: OptionSpec, value: string) => boolean = () => false): ParsedOptionTable {
  const input: Record<string, unknown> = {};
  for (const spec of specs) {
    const raw = env[spec.env] || (spec.sharedEnv ? env[spec.sharedEnv] : undefined);
    if (raw !== undefined && raw !== '') setPath(input, spec.path, convertOption(spec.kind, raw));
  }
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === '--help' || arg === '-h') return { ok: true, help: true, input: {} };
    const match = /^--(no-)?([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    const spec = match ? specs.find((o) => o.flag === match[2]) : undefined;
    if (!match || !spec || (match[1] && spec.kind !== 'bool')) return { ok: false, problem: `unknown option '${arg}'` };
    let value = match[3];
    if (value === undefined) {
      if (spec.kind === 'bool') value = match[1] ? 'false' : 'true';
      else {
        value = args[i + 1];
        i += 1;
        if (value === undefined) return { ok: false, problem: `option '--${spec.flag}' needs a value` };
      }
    }
    if (!onValue(spec, value)) setPath(input, spec.path, convertOption(spec.kind, value));
  }
  return { ok: true, help: false, input };
}

/** The option list for a command's `--help`. */
export function formatOptionTable(specs: readonly OptionSpec[]): string {
  const width = Math.max(...specs.map((o) => o.flag.length)) + 2;
  return specs.map((o) => `  --${o.flag.padEnd(width)} ${o.help}\n  ${''.padEnd(width + 2)} env ${o.env}`
    + (o.sharedEnv ? ` or ${o.sharedEnv}` : '')).join('\n');
}
