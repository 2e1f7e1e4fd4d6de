/**
 * The last `capacity` bytes written to it, kept as the chunks that arrived (no copy per write) and trimmed
 * from the front. Used for each worker's stderr so that error pages and exit reasons can show what a worker
 * said last without reading log files.
 */
export class TailBuffer {
  readonly capacity: number;
  #chunks: Buffer[] = [];
  #size = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Bytes currently held (at most `capacity`). */
  get size(): number {
    return this.#size;
  }

  push(chunk: Buffer): void {
    if (this.capacity === 0 || chunk.length === 0) return;
    if (chunk.length >= this.capacity) {
      // Copy: a slice would keep the whole (possibly large) chunk alive.
      this.#chunks = [Buffer.from(chunk.subarray(chunk.length - this.capacity))];
      this.#size = this.capacity;
      return;
    }
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size > this.capacity) {
      const first = this.#chunks[0]!;
      const excess = this.#size - this.capacity;
      if (first.length <= excess) {
        this.#chunks.shift();
        this.#size -= first.length;
      } else {
        this.#chunks[0] = Buffer.from(first.subarray(excess));
        this.#size -= excess;
      }
    }
  }

  /** The held bytes as one buffer. */
  bytes(): Buffer {
    if (this.#chunks.length > 1) this.#chunks = [Buffer.concat(this.#chunks, this.#size)];
    return this.#chunks[0] ?? Buffer.alloc(0);
  }

  /** The held bytes as UTF-8 text; a character cut at the front shows as U+FFFD. */
  text(): string {
    return this.bytes().toString('utf8');
  }
}
