import type { FlushOutcome } from './flush-batch.ts';
import { partitionKey } from './partition-state.ts';
import type { PartitionState } from './partition-state.ts';
import { TABLES } from './row-types.ts';
import type { TableName } from './row-types.ts';

/** Counters of an ingester since it was created (`ingester.stats()`; logged at debug periodically). */
export interface IngestStats {
  /** Kafka records taken into the buffer (poison records included). */
  recordsConsumed: number;
  rowsInserted: Record<TableName, number>;
  /** Batches stored and committed (or attempted to commit). */
  batches: number;
  /** INSERT statements sent. */
  inserts: number;
  /** Failed flush attempts that were retried after a backoff. */
  retries: number;
  /** Records written to the dead-letter topic. */
  deadLettered: number;
  /** Spans dropped as copies of a span already stored (re-exports, producer retries). */
  duplicatesDropped: number;
  /** Rows dropped because the replay check found them stored (after a restart, rebalance or unknown outcome). */
  alreadyStoredDropped: number;
  commits: number;
  commitFailures: number;
  /** Assignments received (the first join counts). */
  rebalances: number;
  /** Consumer restarts after a crash the Kafka client gave up on. */
  consumerRestarts: number;
  retentionFailures: number;
  /** Current buffer, in-flight batch included. */
  bufferedRows: number;
  bufferedBytes: number;
  bufferedRecords: number;
  /** Consumption paused (buffer full, ClickHouse failing, or stopping). */
  paused: boolean;
  /** Records written to Kafka but not yet taken by this ingester, per `topic:partition` (as of the last fetch). */
  lag: Record<string, number>;
  totalLag: number;
}

export function emptyStats(): IngestStats {
  return {
    recordsConsumed: 0, rowsInserted: { spans: 0, worker_events: 0, metrics: 0 }, batches: 0, inserts: 0, retries: 0,
    deadLettered: 0, duplicatesDropped: 0, alreadyStoredDropped: 0, commits: 0, commitFailures: 0, rebalances: 0,
    consumerRestarts: 0, retentionFailures: 0, bufferedRows: 0, bufferedBytes: 0, bufferedRecords: 0, paused: false,
    lag: {}, totalLag: 0,
  };
}

/** Adds a stored batch's outcome to the counters. */
export function countOutcome(stats: IngestStats, o: FlushOutcome): void {
  for (const t of TABLES) stats.rowsInserted[t] += o.inserted[t];
  stats.batches += 1;
  stats.inserts += o.inserts;
  stats.duplicatesDropped += o.duplicates;
  stats.alreadyStoredDropped += o.alreadyStored;
  stats.deadLettered += o.deadLettered;
}

/** A copy of the counters with the current buffer, pause state and per-partition lag filled in. */
export function snapshotStats(stats: IngestStats, partitions: Iterable<PartitionState>,
  held: { rows: number; bytes: number; records: number }, paused: boolean, retentionFailures: number): IngestStats {
  const lag: Record<string, number> = {};
  let totalLag = 0;
  for (const p of partitions) {
    lag[partitionKey(p.topic, p.partition)] = p.lag;
    totalLag += p.lag;
  }
  return {
    ...stats, rowsInserted: { ...stats.rowsInserted }, retentionFailures, paused, lag, totalLag,
    bufferedRows: held.rows, bufferedBytes: held.bytes, bufferedRecords: held.records,
  };
}
