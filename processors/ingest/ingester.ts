import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { ensureTopics } from '../kafka/ensure-topics.ts';
import { createKafkaClient } from '../kafka/kafka-client.ts';
import { describeKafkaError } from '../kafka/kafka-outcome.ts';
import type { LogSink } from '../kafka/log-sink.ts';
import { awaitPeerInserts, insertIdPrefixes } from './await-peer-inserts.ts';
import { backoffMs, sleep } from './backoff.ts';
import { classifyFailure, describeFailure } from './classify-error.ts';
import { checkSchema, createClickHouseStore } from './clickhouse-store.ts';
import type { IngestConfig } from './config.ts';
import { createGroupConsumer } from './group-consumer.ts';
import type { GroupConsumer } from './group-consumer.ts';
import { createDeadLetterWriter } from './dead-letter.ts';
import { decodeRecord } from './decode-record.ts';
import type { BufferedRecord, IncomingMessage } from './decode-record.ts';
import { flushBatch, ReassignedError } from './flush-batch.ts';
import { createFlushTrigger } from './flush-trigger.ts';
import { nextOffsets } from './next-offsets.ts';
import type { FlushOutcome } from './flush-batch.ts';
import { countOutcome, emptyStats, snapshotStats } from './ingest-stats.ts';
import type { IngestStats } from './ingest-stats.ts';
import { partitionKey } from './partition-state.ts';
import { startRetention } from './periodic-retention.ts';
import type { PeriodicRetention } from './periodic-retention.ts';
import type { PartitionState } from './partition-state.ts';
import { createRecordBuffer, rowWeight } from './record-buffer.ts';

/** The Kafka → ClickHouse ingester (`nodefarm ingest`). */
export interface Ingester {
  readonly config: IngestConfig;
  /**
   * Checks the schema (throws `INGEST_SCHEMA_MISSING` when `nodefarm migrate` has not run), then joins the
   * consumer group. Resolves after the first connection attempt; when Kafka is not reachable yet it keeps
   * trying in the background.
   */
  start(): Promise<void>;
  /** Stops fetching, stores and commits what is buffered (retrying up to `shutdownTimeoutMs`), leaves the group. */
  shutdown(): Promise<void>;
  stats(): IngestStats;
}

/** Hooks for embedding and tests. */
export interface IngesterHooks {
  /** Called after a batch's inserts succeeded and before its offsets are committed. */
  readonly afterInsert?: (outcome: FlushOutcome) => void;
}

/** Builds the ingester over a validated, frozen config (see `createIngester` in index.ts). */
export function buildIngester(config: IngestConfig, log: LogSink, hooks: IngesterHooks = {}): Ingester {
  const kafka: Kafka = createKafkaClient(config.kafka, log);
  const store = createClickHouseStore(config.clickhouse);
  const deadLetters = createDeadLetterWriter(kafka, config.kafka.topics.deadLetter);
  const { spans: spansTopic, metrics: metricsTopic } = config.kafka.topics;
  const b = config.batching;
  const stats = emptyStats();
  const buffer = createRecordBuffer();
  let partitions = new Map<string, PartitionState>();
  // Bumped on every assignment change: a batch taken under an older epoch is neither retried nor committed.
  let epoch = 0;
  let inFlight: { rows: number; bytes: number; records: number } = { rows: 0, bytes: 0, records: 0 };
  let failing = false;
  let stopping = false;
  let stopDeadline = Infinity;
  const stopSignal = new AbortController();
  let paused = false;
  let activeBatches = 0;
  let consumer: GroupConsumer | undefined;
  let flushLoopDone: Promise<void> | undefined;
  let retention: PeriodicRetention | undefined;
  let statsTimer: NodeJS.Timeout | undefined;
  let shuttingDown: Promise<void> | undefined;
  const idPrefixes = insertIdPrefixes(config.groupId, randomUUID());
  let insertCount = 0;
  let assignedAt = Date.now();
  // The epoch whose previous owners' in-flight inserts have been waited for.
  let settledEpoch = -1;

  const stateOf = (topic: string, partition: number): PartitionState => {
    const key = partitionKey(topic, partition);
    let s = partitions.get(key);
    if (!s) {
      s = { topic, partition, checkBelow: undefined, window: undefined, lag: 0 };
      partitions.set(key, s);
    }
    return s;
  };

  const trigger = createFlushTrigger(buffer, b, () => stopping);
  const wake = (): void => trigger.wake();

  const bufferFull = (): boolean => buffer.rows + inFlight.rows >= b.maxBufferRows
    || buffer.bytes + inFlight.bytes >= b.maxBufferBytes;

  /** Pause fetching while the buffer is full, inserts are failing, or we are stopping; resume otherwise. */
  const updatePause = (): void => {
    const want = stopping || failing || bufferFull();
    if (want === paused) return;
    paused = want;
    consumer?.setPaused(want);
    log.debug(want ? 'consumption paused' : 'consumption resumed',
      { failing, bufferedRows: buffer.rows + inFlight.rows, bufferedBytes: buffer.bytes + inFlight.bytes });
  };

  /** Whatever was buffered belongs to the old assignment: Kafka re-delivers it from the committed offsets. */
  const resetAssignment = (assignment: Record<string, number[]> | undefined): void => {
    epoch += 1;
    buffer.clear();
    partitions = new Map();
    if (assignment) {
      assignedAt = Date.now();
      stats.rebalances += 1;
      for (const [topic, list] of Object.entries(assignment)) for (const p of list) stateOf(topic, p);
      log.info('partitions assigned', { assignment });
    }
    updatePause();
  };

  const groupHandlers = {
    onAssigned: (assignment: Record<string, number[]>) => {
      resetAssignment(assignment);
      consumer?.setPaused(paused);
    },
    onRevoked: () => resetAssignment(undefined),
    onGaveUp: (err: unknown) => {
      resetAssignment(undefined);
      if (stopping) return;
      stats.consumerRestarts += 1;
      log.warn('the Kafka consumer stopped; starting a new one', { reason: describeKafkaError(err) });
      void connectLoop();
    },
    async eachBatch(topic: string, partition: number, messages: readonly IncomingMessage[],
      ctl: { resolveOffset(o: string): void; isCurrent(): boolean; heartbeat(): Promise<void>; highWatermark(): number }) {
      const myEpoch = epoch;
      activeBatches += 1;
      try {
        const signal = topic === spansTopic ? 'traces' : 'metrics';
        const state = stateOf(topic, partition);
        // Nobody can have read past the high watermark of our first fetch: only records below it are checked.
        state.checkBelow ??= ctl.highWatermark();
        let next = messages.length > 0 ? Number((messages[0] as IncomingMessage).offset) : ctl.highWatermark();
        const lagFrom = (): void => { state.lag = Math.max(0, ctl.highWatermark() - next); };
        for (const m of messages) {
          if (stopping || epoch !== myEpoch || !ctl.isCurrent()) return;
          // Full: stop here without resolving the rest; Kafka delivers it again after the pause.
          if (bufferFull()) break;
          buffer.add(decodeRecord(signal, { topic, partition, offset: Number(m.offset) }, m));
          stats.recordsConsumed += 1;
          ctl.resolveOffset(m.offset);
          next = Number(m.offset) + 1;
        }
        lagFrom();
        updatePause();
        if (buffer.rows >= b.maxBatchRows || buffer.bytes >= b.maxBatchBytes) wake();
        await ctl.heartbeat();
      } finally {
        activeBatches -= 1;
      }
    },
  };

  async function connectLoop(): Promise<void> {
    for (let attempt = 1; !stopping; attempt += 1) {
      const s = createGroupConsumer(kafka, config, log, groupHandlers);
      consumer = s;
      try {
        await s.start();
        if (stopping) await s.stop(); // shutdown began while joining
        else s.setPaused(paused);
        return;
      } catch (err) {
        await s.stop();
        if (consumer === s) consumer = undefined;
        const delay = backoffMs(attempt, config.retry.initialBackoffMs, Math.min(config.retry.maxBackoffMs, 10_000));
        log.warn('cannot join the consumer group yet; retrying', { reason: describeKafkaError(err), retryInMs: delay });
        await sleep(delay, stopSignal.signal);
      }
    }
  }

  async function flushLoop(): Promise<void> {
    for (;;) {
      await trigger.due();
      if (stopping && Date.now() >= stopDeadline) return; // what is left is re-read by the next owner
      if (buffer.records === 0) {
        if (stopping) return;
        continue;
      }
      const batchEpoch = epoch;
      const records = buffer.take(b.maxBatchRows, b.maxBatchBytes);
      inFlight = { rows: records.reduce((n, r) => n + rowWeight(r), 0), bytes: records.reduce((n, r) => n + r.bytes, 0), records: records.length };
      try {
        await storeBatch(records, batchEpoch);
      } finally {
        inFlight = { rows: 0, bytes: 0, records: 0 };
        updatePause();
      }
    }
  }

  /** Inserts a batch, retrying with backoff until it is stored, its partitions move away, or shutdown gives up. */
  async function storeBatch(records: BufferedRecord[], batchEpoch: number): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      if (epoch !== batchEpoch) {
        log.debug('batch dropped: its partitions were reassigned and will be read again', { records: records.length });
        return;
      }
      try {
        if (settledEpoch !== batchEpoch) {
          await awaitPeerInserts(store, idPrefixes, assignedAt, config.clickhouse.requestTimeoutMs, log);
          settledEpoch = batchEpoch;
        }
        const outcome = await flushBatch(records, {
          store, deadLetters, dedup: config.dedup, log, state: stateOf, spansTopic,
          queryId: () => `${idPrefixes.own}${(insertCount += 1)}`,
          stillOwner: () => epoch === batchEpoch,
        });
        if (failing) log.info('inserts succeed again', { attempts: attempt });
        failing = false;
        countOutcome(stats, outcome);
        log.debug('batch stored', { ...outcome });
        hooks.afterInsert?.(outcome);
        await commit(records, batchEpoch);
        return;
      } catch (err) {
        if (err instanceof ReassignedError) {
          log.debug('batch abandoned: its partitions were reassigned and will be read again', { records: records.length });
          return;
        }
        failing = true;
        updatePause();
        // The failed attempt may have stored part of the batch (or all of it, on a timeout): check next time.
        if (epoch === batchEpoch) {
          for (const r of records) {
            const st = stateOf(r.source.topic, r.source.partition);
            if (st.checkBelow !== undefined) st.checkBelow = Math.max(st.checkBelow, r.source.offset + 1);
          }
        }
        stats.retries += 1;
        const kind = classifyFailure(err);
        const delay = backoffMs(attempt, config.retry.initialBackoffMs, config.retry.maxBackoffMs);
        const fields = { reason: describeFailure(err), attempt, retryInMs: delay, records: records.length };
        if (kind === 'schema') log.error('the ClickHouse schema is missing or outdated; run `nodefarm migrate`', fields);
        else if (attempt === 1 || attempt % 10 === 0) log.warn('storing a batch failed; consumption paused, retrying', fields);
        else log.debug('storing a batch failed again', fields);
        if (stopping && Date.now() + delay > stopDeadline) {
          log.warn('shutdown deadline reached; the batch is not committed and will be read again', { records: records.length });
          return;
        }
        // A shutdown cuts a long backoff short once (one more attempt), then waits within its deadline.
        if (stopping) await sleep(Math.min(delay, Math.max(0, stopDeadline - Date.now())));
        else await sleep(delay, stopSignal.signal);
      }
    }
  }

  /** Commits the next offset of every partition of the batch, unless the assignment changed meanwhile. */
  async function commit(records: readonly BufferedRecord[], batchEpoch: number): Promise<void> {
    const offsets = nextOffsets(records);
    // Rows are stored; whoever owns the partitions now re-reads them from the last commit and drops them.
    if (epoch !== batchEpoch || !consumer || offsets.length === 0) return;
    try {
      await consumer.commit(offsets);
      stats.commits += 1;
    } catch (err) {
      stats.commitFailures += 1;
      log.warn('committing offsets failed; the rows are stored and will be recognised if read again',
        { reason: describeKafkaError(err) });
    }
  }

  function snapshot(): IngestStats {
    const held = { rows: buffer.rows + inFlight.rows, bytes: buffer.bytes + inFlight.bytes, records: buffer.records + inFlight.records };
    return snapshotStats(stats, partitions.values(), held, paused, retention?.failures ?? 0);
  }


  return {
    config,
    async start() {
      await checkSchema(store, config.clickhouse, log);
      if (config.kafka.createTopics) {
        await ensureTopics(kafka, config.kafka).catch((err: unknown) => {
          log.warn('could not create the topics (they may exist already)', { reason: describeKafkaError(err) });
        });
      }
      flushLoopDone = flushLoop();
      if (config.retentionDays > 0) retention = startRetention(config, log);
      statsTimer = setInterval(() => log.debug('ingester stats', { ...snapshot() }), config.statsIntervalMs);
      statsTimer.unref();
      log.info('ingester starting', {
        brokers: config.kafka.brokers, groupId: config.groupId, topics: [spansTopic, metricsTopic],
        clickhouse: config.clickhouse.url, database: config.clickhouse.database,
      });
      // Wait for the first join, but not forever: a Kafka outage at start is retried in the background.
      const giveUp = new AbortController();
      await Promise.race([connectLoop(), sleep(config.kafka.connectionTimeoutMs + config.kafka.requestTimeoutMs, giveUp.signal)]);
      giveUp.abort();
    },
    shutdown() {
      shuttingDown ??= (async () => {
        stopping = true;
        stopDeadline = Date.now() + config.shutdownTimeoutMs;
        stopSignal.abort();
        updatePause();
        consumer?.setPaused(true);
        while (activeBatches > 0) await sleep(10);
        wake();
        await flushLoopDone;
        if (statsTimer) clearInterval(statsTimer);
        await retention?.stop();
        await consumer?.stop();
        await deadLetters.close();
        await store.close();
        const s = snapshot();
        log.info('ingester stopped', {
          rowsInserted: s.rowsInserted, alreadyStoredDropped: s.alreadyStoredDropped, duplicatesDropped: s.duplicatesDropped,
          deadLettered: s.deadLettered, notStored: s.bufferedRecords,
        });
      })();
      return shuttingDown;
    },
    stats: snapshot,
  };
}
