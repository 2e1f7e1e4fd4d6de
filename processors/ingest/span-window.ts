/**
 * The recent span keys (`trace_id + span_id`) of one partition, so a span that a client exported again a few
 * seconds later (Kafka then holds two records with the same span) is stored once. Bounded two ways: keys older
 * than `windowMs` and keys beyond `maxKeys` (oldest first) are forgotten.
 */
export interface SpanWindow {
  has(key: string): boolean;
  add(key: string, atMs?: number): void;
  readonly size: number;
}

export function createSpanWindow(windowMs: number, maxKeys: number, now: () => number = Date.now): SpanWindow {
  // A Map iterates in insertion order, so the oldest keys are always first.
  const keys = new Map<string, number>();
  const evict = (): void => {
    const cutoff = now() - windowMs;
    for (const [key, at] of keys) {
      if (keys.size <= maxKeys && at >= cutoff) break;
      keys.delete(key);
    }
  };
  return {
    has(key) {
      const at = keys.get(key);
      return at !== undefined && at >= now() - windowMs;
    },
    add(key, atMs = now()) {
      if (maxKeys === 0 || windowMs === 0) return;
      keys.delete(key);
      keys.set(key, atMs);
      if (keys.size > maxKeys || (keys.size & 1023) === 0) evict();
    },
    get size() { return keys.size; },
  };
}
