// First, so that kafkajs loads the faster checksum (fast-crc32c.ts).
import './fast-crc32c.ts';
import { CompressionTypes, Partitioners } from 'kafkajs';
import type { Kafka, Producer, TopicMessages } from 'kafkajs';
import type { KafkaConfig } from './config.ts';
import type { LogSink } from './log-sink.ts';
import { describeKafkaError } from './kafka-outcome.ts';
import type { KafkaOutcome } from './kafka-outcome.ts';
import { ensureTopics } from './ensure-topics.ts';

/** One Kafka record to produce. */
export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string | null;
  readonly value: Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ProducerStats {
  /** Records and bytes accepted by `produce` and not yet acknowledged or failed. */
  readonly queuedRecords: number;
  readonly queuedBytes: number;
  readonly producedRecords: number;
  readonly producedBytes: number;
  readonly sendBatches: number;
  readonly failedSends: number;
}

/**
 * A producer that sends one batch at a time: records of concurrent `produce` calls that wait behind a send
 * are coalesced into the next one (up to `maxBatchBytes`, below the broker's record-batch size limit).
 * One send at a time is what the idempotent producer needs anyway, and it makes the queue visible: the
 * caller (the gateway) bounds it and answers 429 before it grows.
 */
export interface BatchingProducer {
  /** Resolves once Kafka acknowledged every record (acks=all), or with why not. Never rejects. */
  produce(records: readonly OutgoingRecord[]): Promise<KafkaOutcome>;
  /** Connects (and creates the topics when configured); memoised until a send fails. Never rejects. */
  connect(): Promise<KafkaOutcome>;
  /**
   * The partition count of `topic` as read when the producer connected, or undefined before that (or when the
   * read failed). The gateway groups spans by the partition their trace-id key maps to.
   */
  partitionCount(topic: string): number | undefined;
  stats(): ProducerStats;
  /** Fails queued records, disconnects. Idempotent. */
  close(): Promise<void>;
}

export interface BatchingProducerOptions {
  readonly kafka: Kafka;
  readonly config: KafkaConfig;
  readonly log: LogSink;
  /** Upper bound of one produce request's payload; Kafka's default message.max.bytes is 1048588. */
  readonly maxBatchBytes: number;
}

interface Entry {
  remaining: number;
  settled: boolean;
  readonly resolve: (outcome: KafkaOutcome) => void;
}

interface Chunk {
  readonly records: readonly OutgoingRecord[];
  readonly bytes: number;
  readonly entry: Entry;
}

function recordBytes(r: OutgoingRecord): number {
  let n = r.value.byteLength + (r.key ? Buffer.byteLength(r.key) : 0) + 32;
  for (const [k, v] of Object.entries(r.headers ?? {})) n += Buffer.byteLength(k) + Buffer.byteLength(v) + 8;
  return n;
}

/** Creates a {@link BatchingProducer}; nothing connects until the first `connect` or `produce`. */
export function createBatchingProducer(options: BatchingProducerOptions): BatchingProducer {
  const { kafka, config, log, maxBatchBytes } = options;
  let producer: Producer | undefined;
  let connecting: Promise<KafkaOutcome> | undefined;
  let topicsReady = !config.createTopics;
  let closed = false;
  const queue: Chunk[] = [];
  let draining = false;
  /** The batch being sent, so that close() can answer its callers without waiting for Kafka. */
  let sending: readonly Chunk[] = [];
  const partitionCounts = new Map<string, number>();
  const counters = { queuedRecords: 0, queuedBytes: 0, producedRecords: 0, producedBytes: 0, sendBatches: 0, failedSends: 0 };

  async function doConnect(): Promise<KafkaOutcome> {
    try {
      if (!topicsReady) {
        const { created } = await ensureTopics(kafka, config);
        if (created.length > 0) log.info('created Kafka topics', { module: 'kafka', topics: created, partitions: config.partitions });
        topicsReady = true;
      }
      const p = kafka.producer({
        idempotent: config.idempotent,
        maxInFlightRequests: config.idempotent ? 1 : 5,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: { retries: config.retries, initialRetryTime: 100, maxRetryTime: 2000 },
      });
      await p.connect();
      if (closed) {
        // close() ran while we were connecting: do not leave a connected producer behind.
        await p.disconnect().catch(() => undefined);
        return { ok: false, reason: 'the producer is closed' };
      }
      producer = p;
      await readPartitionCounts();
      return { ok: true };
    } catch (err) {
      connecting = undefined;
      return { ok: false, reason: `Kafka is not reachable: ${describeKafkaError(err)}` };
    }
  }

  /** Read once per connection; a failure only means records are formed per trace until the next connection. */
  async function readPartitionCounts(): Promise<void> {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const { topics } = await admin.fetchTopicMetadata({ topics: [config.topics.spans, config.topics.metrics] });
      for (const t of topics) if (t.partitions.length > 0) partitionCounts.set(t.name, t.partitions.length);
    } catch (err) {
      log.warn('cannot read the partition counts; spans are sent as one record per trace', { module: 'kafka', reason: describeKafkaError(err) });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  function connect(): Promise<KafkaOutcome> {
    if (closed) return Promise.resolve({ ok: false, reason: 'the producer is closed' });
    connecting ??= doConnect();
    return connecting;
  }

  async function reset(): Promise<void> {
    const p = producer;
    producer = undefined;
    connecting = undefined;
    await p?.disconnect().catch(() => undefined);
  }

  function settle(entry: Entry, outcome: KafkaOutcome): void {
    if (entry.settled) return;
    if (!outcome.ok) {
      entry.settled = true;
      entry.resolve(outcome);
      return;
    }
    entry.remaining -= 1;
    if (entry.remaining === 0) {
      entry.settled = true;
      entry.resolve(outcome);
    }
  }

  async function send(batch: readonly Chunk[]): Promise<KafkaOutcome> {
    const connected = await connect();
    if (!connected.ok || !producer) return connected.ok ? { ok: false, reason: 'the producer is closed' } : connected;
    const byTopic = new Map<string, TopicMessages>();
    for (const chunk of batch) {
      for (const r of chunk.records) {
        let tm = byTopic.get(r.topic);
        if (!tm) byTopic.set(r.topic, (tm = { topic: r.topic, messages: [] }));
        tm.messages.push({ key: r.key, value: Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength), headers: r.headers });
      }
    }
    try {
      await producer.sendBatch({ acks: -1, timeout: config.requestTimeoutMs, compression: config.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None, topicMessages: [...byTopic.values()] });
      return { ok: true };
    } catch (err) {
      await reset();
      return { ok: false, reason: `Kafka did not acknowledge the records: ${describeKafkaError(err)}` };
    }
  }

  async function drain(): Promise<void> {
    if (draining) return;
    draining = true;
    try {
      while (queue.length > 0) {
        const batch: Chunk[] = [];
        let bytes = 0;
        while (queue.length > 0) {
          const next = queue[0] as Chunk;
          if (batch.length > 0 && bytes + next.bytes > maxBatchBytes) break;
          queue.shift();
          if (next.entry.settled) continue;
          batch.push(next);
          bytes += next.bytes;
        }
        if (batch.length === 0) continue;
        sending = batch;
        const outcome = await send(batch);
        sending = [];
        const records = batch.reduce((n, c) => n + c.records.length, 0);
        counters.queuedRecords -= records;
        counters.queuedBytes -= bytes;
        counters.sendBatches += 1;
        if (outcome.ok) {
          counters.producedRecords += records;
          counters.producedBytes += bytes;
        } else {
          counters.failedSends += 1;
          log.warn('Kafka produce failed', { module: 'kafka', reason: outcome.reason, records });
          // Everything queued behind would meet the same broker: fail it now so clients hear 503 at once.
          const rest = queue.splice(0);
          for (const c of rest) {
            counters.queuedRecords -= c.records.length;
            counters.queuedBytes -= c.bytes;
            settle(c.entry, outcome);
          }
        }
        for (const c of batch) settle(c.entry, outcome);
      }
    } finally {
      draining = false;
    }
  }

  function produce(records: readonly OutgoingRecord[]): Promise<KafkaOutcome> {
    if (closed) return Promise.resolve({ ok: false, reason: 'the producer is closed' });
    if (records.length === 0) return Promise.resolve({ ok: true });
    return new Promise<KafkaOutcome>((resolve) => {
      const entry: Entry = { remaining: 0, settled: false, resolve };
      let current: OutgoingRecord[] = [];
      let currentBytes = 0;
      const chunks: Chunk[] = [];
      const flush = (): void => {
        if (current.length > 0) chunks.push({ records: current, bytes: currentBytes, entry });
        current = [];
        currentBytes = 0;
      };
      for (const r of records) {
        const b = recordBytes(r);
        if (current.length > 0 && currentBytes + b > maxBatchBytes) flush();
        current.push(r);
        currentBytes += b;
      }
      flush();
      entry.remaining = chunks.length;
      for (const c of chunks) {
        counters.queuedRecords += c.records.length;
        counters.queuedBytes += c.bytes;
        queue.push(c);
      }
      void drain();
    });
  }

  return {
    produce,
    connect,
    partitionCount: (topic) => partitionCounts.get(topic),
    stats: () => ({ ...counters }),
    async close() {
      if (closed) return;
      closed = true;
      for (const c of [...sending, ...queue.splice(0)]) settle(c.entry, { ok: false, reason: 'the producer is closed' });
      await reset();
    },
  };
}
