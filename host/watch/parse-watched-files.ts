import path from 'node:path';
import type { WatchEntry, WatchNotice } from './config.ts';
import { wildcardPattern } from './wildcard-pattern.ts';

/** The parsed watch set: usable entries plus the ones skipped, with why. */
export interface ParsedWatchedFiles {
  readonly entries: readonly WatchEntry[];
  readonly ignored: readonly WatchNotice[];
}

/**
 * Parses `watchedFiles` with iisnode's rules: `;`-separated, each entry relative to the script's folder,
 * `*` and `?` only in the file-name part, a sub-folder path allowed (`node_modules/*.js`). Both `/` and `\`
 * separate folders (iisnode only knew `\`), so Windows-style configs keep working. Entries naming web.config
 * are skipped as iisnode does (on Linux nothing reads it at run time).
 */
export function parseWatchedFiles(spec: string, baseDir: string): ParsedWatchedFiles {
  const entries: WatchEntry[] = [];
  const ignored: WatchNotice[] = [];
  const seen = new Set<string>();
  for (const raw of spec.split(';')) {
    const text = raw.trim();
    if (text === '') continue;
    const normal = text.replaceAll('\\', '/');
    const full = path.resolve(baseDir, normal);
    const folder = path.dirname(full);
    const name = path.basename(full);
    if (name.toLowerCase().endsWith('web.config')) {
      ignored.push({ kind: 'ignored-entry', text, reason: 'web.config changes have no meaning to nodefarm' });
    } else if (/[*?]/.test(folder)) {
      ignored.push({ kind: 'ignored-entry', text, reason: 'wildcards are only allowed in the file-name part' });
    } else if (name === '' || normal.endsWith('/')) {
      ignored.push({ kind: 'ignored-entry', text, reason: 'names a folder, not a file (matching is not recursive)' });
    } else if (!seen.has(full)) {
      seen.add(full);
      entries.push({ text, folder, name, path: full, pattern: /[*?]/.test(name) ? wildcardPattern(name) : null });
    }
  }
  return { entries, ignored };
}
