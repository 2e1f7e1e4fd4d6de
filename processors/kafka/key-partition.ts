/**
 * The partition Kafka's default (Java-compatible murmur2) partitioner picks for a record key: the one kafkajs's
 * `Partitioners.DefaultPartitioner`, Java and Go clients pick. The gateway uses it to put the spans of many
 * traces into one record per partition while each span still lands where its own trace-id key would send it.
 * Keys are hashed as UTF-8; the trace-id keys are ASCII hex.
 */
export function keyPartition(key: string, partitions: number): number {
  return (murmur2(Buffer.from(key)) & 0x7fffffff) % partitions;
}

/** Kafka's 32-bit murmur2 (seed 0x9747b28c), as a signed 32-bit integer. */
export function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = 0x9747b28c ^ length;
  const end = length & ~3;
  for (let i = 0; i < end; i += 4) {
    let k = (data[i] as number) | ((data[i + 1] as number) << 8) | ((data[i + 2] as number) << 16) | ((data[i + 3] as number) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= (data[end + 2] as number) << 16;
  if (rest >= 2) h ^= (data[end + 1] as number) << 8;
  if (rest >= 1) h = Math.imul(h ^ (data[end] as number), m);
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}
