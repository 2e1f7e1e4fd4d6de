/**
 * Bytes of an unfinished head or line carried across socket reads. Pieces are copied (a small slice must not
 * pin a socket's whole read buffer) and only joined once complete, so a worker trickling a head one byte at a
 * time costs linear, not quadratic, work.
 */
export class ByteAccumulator {
  private parts: Buffer[] = [];
  /** Total bytes held. */
  length = 0;

  push(piece: Buffer): void {
    if (piece.length === 0) return;
    this.parts.push(Buffer.from(piece));
    this.length += piece.length;
  }

  /** Everything held, followed by `extra` when given. */
  concat(extra?: Buffer): Buffer {
    const list = extra ? [...this.parts, extra] : this.parts;
    return list.length === 1 ? list[0]! : Buffer.concat(list);
  }

  /** The last `n` bytes held (fewer when less is held). */
  tail(n: number): Buffer {
    const picked: Buffer[] = [];
    let size = 0;
    for (let i = this.parts.length - 1; i >= 0 && size < n; i--) {
      const part = this.parts[i]!;
      const take = Math.min(part.length, n - size);
      picked.unshift(part.subarray(part.length - take));
      size += take;
    }
    return picked.length === 1 ? picked[0]! : Buffer.concat(picked);
  }

  clear(): void {
    if (this.length === 0) return;
    this.parts = [];
    this.length = 0;
  }
}
