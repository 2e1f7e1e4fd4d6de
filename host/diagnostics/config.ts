import type { AppConfig } from '../config/farm-config.ts';

/** The diagnostics settings of one app (iisnode names and meanings). */
export interface DiagnosticsOptions {
  readonly appName: string;
  /** The app's URL path prefix without a trailing slash ('' for the root). */
  readonly pathPrefix: string;
  readonly debugHeaderEnabled: boolean;
  /** Path, after the app's prefix, of the page the iisnode-debug header points to. */
  readonly debugHeaderPathSegment: string;
  readonly devErrorsEnabled: boolean;
  readonly enableXFF: boolean;
  readonly promoteServerVars: string;
  readonly debuggingEnabled: boolean;
  readonly debuggerPathSegment: string;
  readonly debuggerPortRange: string;
  /** The `node` key of the debug header: the command line setting as configured. */
  readonly nodeProcessCommandLine: string;
}

/** The default path of the debug header page, after the app's path prefix. */
export const DEFAULT_DEBUG_HEADER_PATH = '_nodefarm/debug';

/**
 * A path of one or more URL segments without leading or trailing slash, or undefined when `text` cannot be one
 * (empty, `.`/`..` segments, characters that would need escaping, a query or fragment).
 */
export function normalisePathSegment(text: string): string | undefined {
  const trimmed = text.trim().replace(/^\/+|\/+$/g, '');
  if (!trimmed || !/^[A-Za-z0-9._~!$&'()*+,;=:@-]+(\/[A-Za-z0-9._~!$&'()*+,;=:@-]+)*$/.test(trimmed)) return undefined;
  if (trimmed.split('/').some((s) => s === '.' || s === '..')) return undefined;
  return trimmed;
}

/** Reads the diagnostics settings of an app; an unusable path falls back to its default (reported by `problems`). */
export function diagnosticsOptionsFrom(app: AppConfig): { options: DiagnosticsOptions; problems: string[] } {
  const s = app.settings;
  const problems: string[] = [];
  const segment = (name: string, value: string, fallback: string): string => {
    const ok = normalisePathSegment(value);
    if (ok === undefined) problems.push(`${name} ${JSON.stringify(value)} is not a usable URL path; using ${JSON.stringify(fallback)}`);
    return ok ?? fallback;
  };
  return {
    options: {
      appName: app.name,
      pathPrefix: (app.match.pathPrefix || '/').replace(/\/+$/, ''),
      debugHeaderEnabled: s.debugHeaderEnabled,
      debugHeaderPathSegment: segment('debugHeaderPathSegment', s.debugHeaderPathSegment, DEFAULT_DEBUG_HEADER_PATH),
      devErrorsEnabled: s.devErrorsEnabled,
      enableXFF: s.enableXFF,
      promoteServerVars: s.promoteServerVars,
      debuggingEnabled: s.debuggingEnabled,
      debuggerPathSegment: segment('debuggerPathSegment', s.debuggerPathSegment, 'debug'),
      debuggerPortRange: s.debuggerPortRange,
      nodeProcessCommandLine: s.nodeProcessCommandLine,
    },
    problems,
  };
}
