/** One waiting request; `settle` hands it a result exactly once. */
export interface QueueEntry<T> {
  settled: boolean;
  /** When it was queued (performance.now()). */
  readonly enqueuedAt: number;
  settle(result: T): void;
}

/**
 * A bounded FIFO of waiting requests. Removal of an entry in the middle (client gone, timed out) is O(1):
 * the entry is marked settled and skipped when it reaches the head.
 */
export class RequestQueue<E extends QueueEntry<unknown>> {
  readonly capacity: number;
  #items: (E | undefined)[] = [];
  #head = 0;
  #live = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Waiting entries (settled ones excluded). */
  get length(): number {
    return this.#live;
  }

  /** False when the queue is full. */
  push(entry: E): boolean {
    if (this.#live >= this.capacity) return false;
    this.#items.push(entry);
    this.#live++;
    return true;
  }

  /** Call when an entry settled outside `shift` (timeout, client gone). */
  forget(): void {
    this.#live--;
  }

  /** The oldest unsettled entry, left in place; undefined when empty. */
  peek(): E | undefined {
    while (this.#head < this.#items.length) {
      const entry = this.#items[this.#head];
      if (entry && !entry.settled) return entry;
      this.#items[this.#head++] = undefined;
    }
    this.#compact();
    return undefined;
  }

  /** The oldest unsettled entry, removed from the queue; undefined when empty. */
  shift(): E | undefined {
    while (this.#head < this.#items.length) {
      const entry = this.#items[this.#head];
      this.#items[this.#head++] = undefined;
      if (entry && !entry.settled) {
        this.#live--;
        this.#compact();
        return entry;
      }
    }
    this.#compact();
    return undefined;
  }

  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    } else if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    }
  }
}
