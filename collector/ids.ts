import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * Random ids as lowercase hex. Bytes come from one pooled CSPRNG fill per 4 KiB, so an id costs a slice and
 * a hex conversion rather than a system call. An all-zero id is invalid in W3C trace context: retried.
 */
export function randomHex(bytes: 8 | 16): string {
  for (;;) {
    if (offset + bytes > POOL_BYTES) {
      randomFillSync(pool);
      offset = 0;
    }
    const hex = pool.toString('hex', offset, offset + bytes);
    offset += bytes;
    if (!/^0+$/.test(hex)) return hex;
  }
}

/** A new trace id (32 hex). */
export const newTraceId = (): string => randomHex(16);
/** A new span id (16 hex). */
export const newSpanId = (): string => randomHex(8);
