/**
 * A cursor over protobuf wire bytes, for the hot paths that read OTLP without building protobufjs messages
 * (the gateway's span scanner, the ingester's row writer). Every read is bounds-checked against `end`; a
 * malformed input throws {@link WireError}, which callers turn into a value (a fallback or a dead letter).
 */

/** Thrown for bytes that are not a well-formed protobuf message of the expected shape. */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

/** Wire types (the low three bits of a tag). */
export const VARINT = 0;
export const I64 = 1;
export const LEN = 2;
export const I32 = 5;

const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);

export class WireReader {
  buf: Uint8Array;
  pos: number;
  end: number;
  /** The low and high 32 bits (unsigned) of the last `varint64` or `fixed64` read. */
  lo = 0;
  hi = 0;

  constructor(buf: Uint8Array, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  /** A varint of at most 32 bits (tags, lengths, enums), as an unsigned number. */
  uint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= this.end) throw new WireError('truncated varint');
      const b = buf[pos++] as number;
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) {
        this.pos = pos;
        return result > 0xffffffff ? result % 0x100000000 : result;
      }
    }
    // Longer varints (negative int32 enums are sign-extended to 10 bytes): keep the low 32 bits, like protobufjs.
    this.pos = pos;
    this.varintTail();
    return result % 0x100000000;
  }

  private varintTail(): void {
    for (let i = 0; i < 5; i += 1) {
      if (this.pos >= this.end) throw new WireError('truncated varint');
      if ((this.buf[this.pos++] as number) < 0x80) return;
    }
    throw new WireError('varint longer than 10 bytes');
  }

  /** A varint of up to 64 bits into `lo` / `hi`. */
  varint64(): void {
    const buf = this.buf;
    let lo = 0;
    let hi = 0;
    let i = 0;
    for (; i < 10; i += 1) {
      if (this.pos >= this.end) throw new WireError('truncated varint');
      const b = buf[this.pos++] as number;
      const bits = b & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (7 * i - 32);
      if (b < 0x80) {
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    throw new WireError('varint longer than 10 bytes');
  }

  /** A little-endian fixed64 into `lo` / `hi`. */
  fixed64(): void {
    this.lo = this.fixed32();
    this.hi = this.fixed32();
  }

  fixed32(): number {
    const p = this.pos;
    if (p + 4 > this.end) throw new WireError('truncated fixed32');
    const b = this.buf;
    this.pos = p + 4;
    return ((b[p] as number) | ((b[p + 1] as number) << 8) | ((b[p + 2] as number) << 16)) + (b[p + 3] as number) * 0x1000000;
  }

  double(): number {
    const p = this.pos;
    if (p + 8 > this.end) throw new WireError('truncated double');
    for (let i = 0; i < 8; i += 1) f64Bytes[i] = this.buf[p + i] as number;
    this.pos = p + 8;
    return f64[0] as number;
  }

  /** A length prefix; returns the end of the field's bytes (`pos` is at their start). */
  lenEnd(): number {
    const n = this.uint32();
    const e = this.pos + n;
    if (e > this.end) throw new WireError('length beyond the end of the message');
    return e;
  }

  /** Skips the value of a field of wire type `type` (groups are not accepted: OTLP has none). */
  skip(type: number): void {
    if (type === VARINT) this.varintSkip();
    else if (type === I64) this.advance(8);
    else if (type === LEN) this.pos = this.lenEnd();
    else if (type === I32) this.advance(4);
    else throw new WireError(`unsupported wire type ${type}`);
  }

  private varintSkip(): void {
    for (let i = 0; i < 10; i += 1) {
      if (this.pos >= this.end) throw new WireError('truncated varint');
      if ((this.buf[this.pos++] as number) < 0x80) return;
    }
    throw new WireError('varint longer than 10 bytes');
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw new WireError('truncated field');
    this.pos += n;
  }
}

/** The unsigned 64-bit value `hi * 2^32 + lo` as decimal text, exactly. */
export function u64Text(lo: number, hi: number): string {
  if (hi < 0x200000) return String(hi * 4294967296 + lo);
  const { q, r } = divBillion(lo, hi);
  return String(q) + String(r).padStart(9, '0');
}

const TWO32_MOD_1E9 = 294_967_296;
const TWO48_MOD_1E9 = (65_536 * TWO32_MOD_1E9) % 1e9;

/**
 * `hi * 2^32 + lo` divided by 10^9: quotient and remainder, exact (doubles cannot hold the value itself).
 * The remainder is summed from exact partial products; the quotient is then rounded from an approximation
 * whose error (a few thousand) is far below 10^9.
 */
export function divBillion(lo: number, hi: number): { q: number; r: number } {
  const hh = Math.floor(hi / 65_536);
  const hl = hi % 65_536;
  const r = (hh * TWO48_MOD_1E9 + hl * TWO32_MOD_1E9 + lo) % 1e9;
  const q = Math.round((hi * 4294967296 + lo - r) / 1e9);
  return { q, r };
}

/** The signed 64-bit varint `hi:lo` as decimal text, exactly. */
export function i64Text(lo: number, hi: number): string {
  if (hi < 0x200000) return String(hi * 4294967296 + lo);
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
}
