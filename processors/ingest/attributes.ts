import { int64ToBigInt } from '../otlp/int64.ts';
import type { AnyValue, KeyValue } from '../otlp/types.ts';

/** Attributes as the parallel key/value string arrays of the ClickHouse tables. */
export interface AttributeArrays {
  readonly keys: string[];
  readonly values: string[];
}

/**
 * An OTLP value as the string stored in ClickHouse: strings as they are, booleans `true`/`false`, integers
 * in decimal (exact, 64-bit), doubles as JavaScript prints them, bytes in base64, arrays and key-value lists
 * as JSON of their stringified members. Unset values are the empty string.
 */
export function anyValueToString(v: AnyValue | null | undefined): string {
  if (!v) return '';
  const which = v.value ?? (v.stringValue != null ? 'stringValue' : v.boolValue != null ? 'boolValue'
    : v.intValue != null ? 'intValue' : v.doubleValue != null ? 'doubleValue' : v.bytesValue != null ? 'bytesValue'
      : v.arrayValue != null ? 'arrayValue' : v.kvlistValue != null ? 'kvlistValue' : undefined);
  switch (which) {
    case 'stringValue': return v.stringValue ?? '';
    case 'boolValue': return v.boolValue ? 'true' : 'false';
    case 'intValue': return int64ToBigInt(v.intValue).toString();
    case 'doubleValue': return String(v.doubleValue ?? 0);
    case 'bytesValue': return v.bytesValue ? Buffer.from(v.bytesValue).toString('base64') : '';
    case 'arrayValue': return JSON.stringify((v.arrayValue?.values ?? []).map(anyValueToString));
    case 'kvlistValue': return JSON.stringify(Object.fromEntries((v.kvlistValue?.values ?? [])
      .map((kv) => [kv.key ?? '', anyValueToString(kv.value)])));
    default: return '';
  }
}

/** Key/value arrays of an attribute list, in the order received. */
export function attributeArrays(attrs: readonly KeyValue[] | null | undefined): AttributeArrays {
  const keys: string[] = [];
  const values: string[] = [];
  for (const kv of attrs ?? []) {
    keys.push(kv.key ?? '');
    values.push(anyValueToString(kv.value));
  }
  return { keys, values };
}

/** The string value of `key` in the first list that has it, or undefined. */
export function lookup(key: string, ...lists: readonly AttributeArrays[]): string | undefined {
  for (const list of lists) {
    const i = list.keys.indexOf(key);
    if (i >= 0) return list.values[i];
  }
  return undefined;
}

/** An unsigned integer attribute clamped to the column's range; 0 when absent or not a number. */
export function uintOf(value: string | undefined, max: number): number {
  if (value === undefined || !/^\s*-?\d+(\.\d+)?\s*$/.test(value)) return 0;
  const n = Math.trunc(Number(value));
  return n < 0 ? 0 : n > max ? max : n;
}

/** A signed 64-bit attribute as decimal text (exact); "0" when absent or not an integer. */
export function int64Of(value: string | undefined): string {
  if (value === undefined || !/^\s*-?\d+\s*$/.test(value)) return '0';
  return BigInt.asIntN(64, BigInt(value.trim())).toString();
}
