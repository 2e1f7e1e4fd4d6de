/**
 * A minimal protobuf writer for the collector's hot export path: one growable buffer, no per-field objects.
 * A nested message is opened with `fork()` (one length byte reserved) and closed with `join()`, which moves
 * the body when its length needs a longer varint, so every length is minimally encoded.
 */
export class ProtoWriter {
  buf: Buffer;
  pos = 0;

  constructor(initial = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** An unsigned varint (0 ≤ v < 2^53). */
  varint(v: number): void {
    this.ensure(10);
    const b = this.buf;
    while (v >= 0x80) {
      b[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    b[this.pos++] = v;
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** int64 field (varint; negative values take ten bytes, two's complement). */
  int64(field: number, v: number): void {
    this.tag(field, 0);
    if (v >= 0) {
      this.varint(v);
      return;
    }
    let u = BigInt.asUintN(64, BigInt(v));
    this.ensure(10);
    while (u >= 0x80n) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
  }

  uint(field: number, v: number): void {
    this.tag(field, 0);
    this.varint(v);
  }

  bool(field: number, v: boolean): void {
    this.tag(field, 0);
    this.varint(v ? 1 : 0);
  }

  double(field: number, v: number): void {
    this.tag(field, 1);
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  /**
   * A fixed64 Unix-nanosecond timestamp from epoch ms (fractional, microsecond precision), computed in exact
   * double arithmetic: ms × 10^6 exceeds 2^53, so the product is split before it is written as two uint32.
   */
  epochNanos(field: number, ms: number): void {
    const whole = Math.floor(ms);
    const micros = Math.round((ms - whole) * 1000);
    const ah = Math.floor(whole / 0x200000); // whole = ah·2^21 + al
    const al = whole - ah * 0x200000;
    const x = ah * 1_000_000; // < 2^40
    const xh = Math.floor(x / 0x800); // x = xh·2^11 + xl
    const xl = x - xh * 0x800;
    const low = xl * 0x200000 + al * 1_000_000 + micros * 1000; // < 2^43, exact
    const carry = Math.floor(low / 0x100000000);
    const lo = low - carry * 0x100000000;
    const hi = xh + carry;
    this.tag(field, 1);
    this.ensure(8);
    // Byte stores rather than writeUInt32LE: no argument checks, and this runs eight times per request.
    const b = this.buf;
    const p = this.pos;
    b[p] = lo & 0xff;
    b[p + 1] = (lo >>> 8) & 0xff;
    b[p + 2] = (lo >>> 16) & 0xff;
    b[p + 3] = lo >>> 24;
    b[p + 4] = hi & 0xff;
    b[p + 5] = (hi >>> 8) & 0xff;
    b[p + 6] = (hi >>> 16) & 0xff;
    b[p + 7] = hi >>> 24;
    this.pos = p + 8;
  }

  string(field: number, s: string): void {
    this.tag(field, 2);
    const len = s.length;
    // Short ASCII strings (attribute keys, methods, paths) are copied in JS: cheaper than a native call.
    if (len < 0x80) {
      this.ensure(len + 1);
      const end = copyAscii(this.buf, this.pos + 1, s);
      if (end >= 0) {
        this.buf[this.pos] = len;
        this.pos = end;
        return;
      }
    }
    const n = Buffer.byteLength(s);
    this.varint(n);
    this.ensure(n);
    this.pos += this.buf.write(s, this.pos, n, 'utf8');
  }

  /** A bytes field from a lowercase hex string (trace and span ids: 16 or 8 bytes), converted in JS. */
  hexBytes(field: number, hex: string): void {
    const n = hex.length >> 1;
    this.tag(field, 2);
    this.varint(n);
    this.ensure(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < hex.length; i += 2) b[p++] = (nibble(hex.charCodeAt(i)) << 4) | nibble(hex.charCodeAt(i + 1));
    this.pos = p;
  }

  /** Bytes copied as they are (pre-encoded fields). Very short runs are copied in JS: cheaper than `set`. */
  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    this.ensure(n);
    const b = this.buf;
    let p = this.pos;
    if (n <= 8) for (let i = 0; i < n; i++) b[p++] = bytes[i]!;
    else {
      b.set(bytes, p);
      p += n;
    }
    this.pos = p;
  }

  /** Opens a length-delimited sub-message; pass the result to `join`. */
  fork(field: number): number {
    this.tag(field, 2);
    this.ensure(1);
    return this.pos++;
  }

  join(at: number): void {
    const len = this.pos - at - 1;
    if (len < 0x80) {
      this.buf[at] = len;
      return;
    }
    let size = 1;
    for (let v = len; v >= 0x80; v = Math.floor(v / 0x80)) size++;
    this.ensure(size - 1);
    this.buf.copyWithin(at + size, at + 1, this.pos);
    this.pos += size - 1;
    let v = len;
    let p = at;
    while (v >= 0x80) {
      this.buf[p++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[p] = v;
  }

  /** The bytes written (a view, valid until the writer is used again). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** Value of one lowercase (or uppercase) hex digit. */
/**
 * Copies `s` into `b` at `p` one byte per character and returns the position after it, or -1 at the first
 * character outside ASCII (the bytes written so far are then garbage the caller overwrites). The caller has made
 * room for `s.length` bytes.
 */
export function copyAscii(b: Uint8Array, p: number, s: string): number {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return -1;
    b[p++] = c;
  }
  return p;
}

function nibble(c: number): number {
  return c <= 57 ? c - 48 : (c | 0x20) - 87;
}
