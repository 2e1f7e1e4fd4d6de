/** The result of expanding `${VAR}` and `%VAR%`: the text and the variables that were not set. */
export interface Expansion {
  readonly text: string;
  readonly missing: readonly string[];
}

const PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|%([A-Za-z_][A-Za-z0-9_]*)%/g;

/**
 * Expands environment references the way iisnode's `expanded` settings do (`%VAR%`, Windows style), plus
 * the `${VAR}` form Linux users write. A variable that is not set expands to nothing and is reported, so
 * `node_env: %NODE_ENV%` with no NODE_ENV means "leave it alone" as in iisnode. Lookup is exact-case first,
 * then case-insensitive, because iisnode's names (`%node_env%`) come from a case-insensitive platform.
 */
export function expandVariables(text: string, env: Readonly<Record<string, string | undefined>>): Expansion {
  const missing: string[] = [];
  const out = text.replace(PATTERN, (_m, braced: string | undefined, percent: string | undefined) => {
    const name = braced ?? percent ?? '';
    const value = lookup(env, name);
    if (value === undefined) missing.push(name);
    return value ?? '';
  });
  return { text: out, missing };
}

function lookup(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const exact = env[name];
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(env)) if (key.toLowerCase() === lower && value !== undefined) return value;
  return undefined;
}
