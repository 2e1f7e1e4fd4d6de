import fs from 'node:fs';
import path from 'node:path';
import type { WatchEntry } from './config.ts';

/** The value absent files have; any other value means the file (or, for a wildcard, the folder) exists. */
export const MISSING = 'missing';

/**
 * What an entry looks like now, as a string that changes whenever the entry does. A plain file: its inode,
 * size and nanosecond mtime (the inode catches an editor's write-to-temp-then-rename). A wildcard: the same
 * for every matching non-folder file, sorted by name, so a match added, removed or renamed changes it too.
 */
export function fingerprint(entry: WatchEntry): string {
  if (!entry.pattern) return fileStamp(entry.path) ?? MISSING;
  let names: string[];
  try {
    names = fs.readdirSync(entry.folder);
  } catch {
    return MISSING;
  }
  const pattern = entry.pattern;
  const parts: string[] = [];
  for (const name of names.filter((n) => pattern.test(n)).sort()) {
    const stamp = fileStamp(path.join(entry.folder, name));
    if (stamp) parts.push(`${name}\0${stamp}`);
  }
  return `set:${parts.join('\n')}`;
}

function fileStamp(file: string): string | undefined {
  try {
    const st = fs.statSync(file, { bigint: true });
    if (st.isDirectory()) return undefined;
    return `${st.ino}:${st.size}:${st.mtimeNs}`;
  } catch {
    return undefined;
  }
}
