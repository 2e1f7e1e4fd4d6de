import type { BufferedRecord } from './decode-record.ts';
import { partitionKey } from './partition-state.ts';

/**
 * The offsets to commit after a batch is stored: for each topic partition, one past its last record. Every
 * earlier record of that partition was in this batch or in an earlier, already stored one.
 */
export function nextOffsets(records: readonly BufferedRecord[]): { topic: string; partition: number; offset: string }[] {
  const next = new Map<string, { topic: string; partition: number; offset: number }>();
  for (const { source } of records) {
    const key = partitionKey(source.topic, source.partition);
    const cur = next.get(key);
    if (!cur || cur.offset < source.offset + 1) next.set(key, { ...source, offset: source.offset + 1 });
  }
  return [...next.values()].map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) }));
}
