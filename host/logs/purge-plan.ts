import { compareText } from '../compare-text.ts';

/** A regular file of the log folder as seen by the purge. */
export interface FolderFile {
  readonly file: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * Which files to delete so that the folder holds at most `maxFiles` files and `maxTotalSize` bytes:
 * oldest modification time first (ties by name), as iisnode does. Files in `keep` (the ones being
 * written right now) are never chosen, so the limits can be exceeded while more streams are open than
 * the limits allow.
 */
export function purgePlan(
  files: readonly FolderFile[], maxTotalSize: number, maxFiles: number, keep: ReadonlySet<string>,
): string[] {
  let total = files.reduce((sum, f) => sum + f.size, 0);
  let count = files.length;
  const doomed: string[] = [];
  const oldestFirst = [...files].sort((a, b) => a.mtimeMs - b.mtimeMs || compareText(a.file, b.file));
  for (const f of oldestFirst) {
    if (total <= maxTotalSize && count <= maxFiles) break;
    if (keep.has(f.file)) continue;
    doomed.push(f.file);
    total -= f.size;
    count--;
  }
  return doomed;
}
