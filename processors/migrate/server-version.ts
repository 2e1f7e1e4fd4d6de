/** A ClickHouse version as its numeric parts, e.g. "18.16.1" → [18, 16, 1]; "26.9.2.1" → [26, 9, 2, 1]. */
export type Version = readonly number[];

/** Parses `SELECT version()` output or a `-- requires:` value; undefined when it is not dotted numbers. */
export function parseVersion(text: string): Version | undefined {
  const trimmed = text.trim();
  if (!/^\d+(\.\d+)*$/.test(trimmed)) return undefined;
  return trimmed.split('.').map(Number);
}

/** True when `actual` is the same as or newer than `required` (missing parts count as 0). */
export function versionAtLeast(actual: Version, required: Version): boolean {
  const len = Math.max(actual.length, required.length);
  for (let i = 0; i < len; i += 1) {
    const a = actual[i] ?? 0;
    const r = required[i] ?? 0;
    if (a !== r) return a > r;
  }
  return true;
}
