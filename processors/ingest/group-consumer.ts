import type { Consumer, Kafka } from 'kafkajs';
import type { LogSink } from '../kafka/log-sink.ts';
import type { IngestConfig } from './config.ts';
import type { IncomingMessage } from './decode-record.ts';

/** What the ingester does with the consumer's events. */
export interface GroupHandlers {
  /** A new assignment (first join and every rebalance): `{ topic: [partitions] }`. */
  onAssigned(assignment: Record<string, number[]>): void;
  /** A rebalance started: the current assignment is over. */
  onRevoked(): void;
  /** The Kafka client crashed and will not restart by itself. */
  onGaveUp(err: unknown): void;
  eachBatch(topic: string, partition: number, messages: readonly IncomingMessage[], ctl: {
    resolveOffset(offset: string): void;
    /** False once the batch is stale (stopping, or a seek is pending). */
    isCurrent(): boolean;
    heartbeat(): Promise<void>;
    /** The partition's high watermark (offset of the next record to be written) at this fetch. */
    highWatermark(): number;
  }): Promise<void>;
}

/** One kafkajs consumer in the group, subscribed to the spans and metrics topics, committing by hand only. */
export interface GroupConsumer {
  start(): Promise<void>;
  setPaused(paused: boolean): void;
  commit(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
  stop(): Promise<void>;
}

export function createGroupConsumer(kafka: Kafka, config: IngestConfig, log: LogSink, h: GroupHandlers): GroupConsumer {
  const topics = [config.kafka.topics.spans, config.kafka.topics.metrics];
  const consumer: Consumer = kafka.consumer({
    groupId: config.groupId,
    sessionTimeout: config.sessionTimeoutMs,
    heartbeatInterval: config.heartbeatIntervalMs,
    rebalanceTimeout: Math.max(config.sessionTimeoutMs, 10_000),
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 500,
    // A broker outage is retried for about 40 s before the client restarts itself (and then we do).
    retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000 },
  });
  let running = false;
  let stopped = false;
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    running = true;
    h.onAssigned(e.payload.memberAssignment);
  });
  consumer.on(consumer.events.REBALANCING, () => h.onRevoked());
  consumer.on(consumer.events.CRASH, (e) => {
    running = false;
    h.onRevoked();
    if (!e.payload.restart && !stopped) h.onGaveUp(e.payload.error);
    else log.warn('the Kafka consumer crashed and restarts', { reason: e.payload.error.message });
  });
  const apply = (paused: boolean): void => {
    if (!running) return;
    try {
      if (paused) consumer.pause(topics.map((topic) => ({ topic })));
      else consumer.resume(topics.map((topic) => ({ topic })));
    } catch (err) {
      // Before the first join the group is not initialised; the state is applied again on assignment.
      log.debug('pause/resume deferred', { reason: err instanceof Error ? err.message : String(err) });
    }
  };
  let pausedWanted = false;
  return {
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: config.fromBeginning });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          await h.eachBatch(batch.topic, batch.partition, batch.messages, {
            resolveOffset,
            isCurrent: () => isRunning() && !isStale(),
            heartbeat,
            highWatermark: () => Number(batch.highWatermark),
          });
        },
      });
      running = true;
      apply(pausedWanted);
    },
    setPaused(paused) {
      pausedWanted = paused;
      apply(paused);
    },
    async commit(offsets) {
      await consumer.commitOffsets(offsets);
    },
    async stop() {
      stopped = true;
      running = false;
      await consumer.disconnect().catch(() => undefined);
    },
  };
}
