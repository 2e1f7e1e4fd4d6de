import type { Int64 } from './types.ts';

/** A decoded 64-bit field as a bigint; 0n for unset or unparseable values. */
export function int64ToBigInt(value: Int64 | null | undefined): bigint {
  if (value === null || value === undefined) return 0n;
  if (typeof value === 'number') return Number.isFinite(value) ? BigInt(Math.trunc(value)) : 0n;
  if (typeof value === 'string') return /^-?\d+$/.test(value) ? BigInt(value) : 0n;
  const combined = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  return value.unsigned ? combined : BigInt.asIntN(64, combined);
}
