/**
 * The recent span keys (`trace_id + span_id`) of one partition, so a span that a client exported again a few
 * seconds later (Kafka then holds two records with the same span) is stored once. Bounded two ways: keys older
 * than `windowMs` and keys beyond `maxKeys` (oldest first) are forgotten.
 */
export interface SpanWindow {
  has(key: string): boolean;
  add(key: string, atMs?: number): void;
  /** Adds the keys of one stored batch with one time stamp, evicting once for all of them. */
  addAll(keys: readonly string[], atMs?: number): void;
  readonly size: number;
}

export function createSpanWindow(windowMs: number, maxKeys: number, now: () => number = Date.now): SpanWindow {
  // A Map iterates in insertion order, so the oldest keys are first. A key added again (only an expired one can
  // be: a live one is a duplicate and is not stored) keeps its old place with the new time; the eviction below
  // then stops early at it, which can only keep expired keys a little longer (`has` checks the time, and the
  // size bound still holds). That spares a delete per span.
  const keys = new Map<string, number>();
  const evict = (): void => {
    const cutoff = now() - windowMs;
    for (const [key, at] of keys) {
      if (keys.size <= maxKeys && at >= cutoff) break;
      keys.delete(key);
    }
  };
  const off = maxKeys === 0 || windowMs === 0;
  return {
    has(key) {
      const at = keys.get(key);
      return at !== undefined && at >= now() - windowMs;
    },
    add(key, atMs = now()) {
      if (off) return;
      keys.set(key, atMs);
      if (keys.size > maxKeys || (keys.size & 1023) === 0) evict();
    },
    addAll(list, atMs = now()) {
      if (off || list.length === 0) return;
      for (const key of list) keys.set(key, atMs);
      evict();
    },
    get size() { return keys.size; },
  };
}
