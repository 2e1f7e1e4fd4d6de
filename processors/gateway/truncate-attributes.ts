import type { AnyValue, KeyValue } from '../otlp/types.ts';

/** Nesting deeper than this is left as it came (the decoder already bounds it; this only bounds our recursion). */
const MAX_DEPTH = 32;

function truncateUtf8(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  let end = maxBytes;
  // Step back over continuation bytes so a multi-byte character is never cut in half.
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return buf.subarray(0, end).toString('utf8');
}

function truncateValue(value: AnyValue | null | undefined, maxBytes: number, depth: number): number {
  if (!value || depth > MAX_DEPTH) return 0;
  let count = 0;
  const s = value.stringValue;
  // A string of n UTF-16 units has at most 3n UTF-8 bytes: most values skip the byte count entirely.
  if (typeof s === 'string' && s.length * 3 > maxBytes && Buffer.byteLength(s) > maxBytes) {
    value.stringValue = truncateUtf8(s, maxBytes);
    count += 1;
  }
  if (value.bytesValue && value.bytesValue.length > maxBytes) {
    value.bytesValue = value.bytesValue.subarray(0, maxBytes);
    count += 1;
  }
  for (const item of value.arrayValue?.values ?? []) count += truncateValue(item, maxBytes, depth + 1);
  count += truncateAttributes(value.kvlistValue?.values, maxBytes, depth + 1);
  return count;
}

/**
 * Cuts string and bytes attribute values (also inside arrays and key-value lists) to `maxBytes`, in place.
 * Returns how many values were cut, for the partial-success message and the counters.
 */
export function truncateAttributes(list: KeyValue[] | null | undefined, maxBytes: number, depth = 0): number {
  if (!list) return 0;
  let count = 0;
  for (const kv of list) count += truncateValue(kv.value, maxBytes, depth);
  return count;
}
