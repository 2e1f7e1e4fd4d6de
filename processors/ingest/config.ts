import { kafkaDefaults, validateKafkaConfig } from '../kafka/config.ts';
import type { ConfigProblem, KafkaConfig } from '../kafka/config.ts';

import { logLevels, type LogLevel } from '../../host/server/logger.ts';

export { logLevels, type LogLevel };

/** Where rows go. Same variables as `nodefarm migrate` (NODEFARM_CLICKHOUSE_*). */
export interface ClickHouseTarget {
  readonly url: string;
  readonly database: string;
  readonly username: string;
  readonly password: string;
  /** Per HTTP request (insert, check, seed). An insert that times out has an unknown outcome and is checked. */
  readonly requestTimeoutMs: number;
}

/** Batching and memory bounds. */
export interface IngestBatching {
  /** An insert starts once this many rows are buffered (all tables together)… */
  readonly maxBatchRows: number;
  /** …or this many bytes of serialized rows… */
  readonly maxBatchBytes: number;
  /** …or when the oldest buffered row has waited this long. */
  readonly flushIntervalMs: number;
  /** Consumption pauses while buffered plus in-flight rows reach this (backpressure). */
  readonly maxBufferRows: number;
  /** …or these bytes. One fetch may overshoot by at most `kafka fetch size` before the pause applies. */
  readonly maxBufferBytes: number;
}

/** How failed inserts are retried (forever, with capped exponential backoff and full jitter). */
export interface IngestRetry {
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

/** The window of recent span keys per partition that catches re-exported spans across batches. */
export interface DedupWindow {
  /** Keys older than this are forgotten. */
  readonly windowMs: number;
  /** At most this many keys per partition (oldest dropped first). */
  readonly maxKeysPerPartition: number;
}

export interface IngestConfig {
  readonly kafka: KafkaConfig;
  /** Consumer group; ingesters with the same group share the partitions. */
  readonly groupId: string;
  /** A group that has never committed starts at the oldest retained record (nothing is skipped). */
  readonly fromBeginning: boolean;
  /** Kafka group session timeout: how long a dead ingester keeps its partitions. */
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly clickhouse: ClickHouseTarget;
  readonly batching: IngestBatching;
  readonly retry: IngestRetry;
  readonly dedup: DedupWindow;
  /** Days of raw data kept by the periodic retention job; 0 turns the job off. */
  readonly retentionDays: number;
  readonly retentionIntervalMs: number;
  /** How often counters are logged at debug level. */
  readonly statsIntervalMs: number;
  /** SIGTERM: how long shutdown keeps retrying the last insert and commit before giving up. */
  readonly shutdownTimeoutMs: number;
  readonly logLevel: LogLevel;
}

/** Partial input: every key optional, nested objects merged key by key over the defaults. */
export type IngestConfigInput = {
  readonly [K in keyof IngestConfig]?: IngestConfig[K] extends readonly unknown[] ? IngestConfig[K]
    : IngestConfig[K] extends object ? Partial<{ [P in keyof IngestConfig[K]]: IngestConfig[K][P] extends object
      ? Partial<IngestConfig[K][P]> : IngestConfig[K][P] }> : IngestConfig[K];
};

const MiB = 1024 * 1024;

export const ingestDefaults: IngestConfig = Object.freeze({
  kafka: Object.freeze({ ...kafkaDefaults, clientId: 'nodefarm-ingest' }),
  groupId: 'nodefarm-ingest',
  fromBeginning: true,
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  clickhouse: Object.freeze({
    url: 'http://127.0.0.1:8123', database: 'nodefarm', username: 'default', password: '', requestTimeoutMs: 30_000,
  }),
  // ClickHouse prefers few large inserts: thousands of rows or about one insert per second per table. 18.16 spends
  // about a third less CPU per span on inserts of 40,000 rows than of 10,000 (docs/benchmarks.md); the buffer
  // holds three batches, so that one can be in flight while the next ones are read.
  batching: Object.freeze({
    maxBatchRows: 40_000, maxBatchBytes: 64 * MiB, flushIntervalMs: 1_000, maxBufferRows: 120_000, maxBufferBytes: 192 * MiB,
  }),
  retry: Object.freeze({ initialBackoffMs: 250, maxBackoffMs: 30_000 }),
  dedup: Object.freeze({ windowMs: 10 * 60_000, maxKeysPerPartition: 100_000 }),
  retentionDays: 30,
  retentionIntervalMs: 60 * 60_000,
  statsIntervalMs: 60_000,
  shutdownTimeoutMs: 15_000,
  logLevel: 'info',
});

/** Defaults, then `input` (nested objects merged key by key). Not validated: see {@link validateIngestConfig}. */
export function mergeIngestConfig(input: IngestConfigInput = {}): IngestConfig {
  const d = ingestDefaults;
  const kafkaIn = input.kafka ?? {};
  return {
    ...d,
    ...definedOnly(input),
    kafka: { ...d.kafka, ...definedOnly(kafkaIn), topics: { ...d.kafka.topics, ...definedOnly(kafkaIn.topics ?? {}) } },
    clickhouse: { ...d.clickhouse, ...definedOnly(input.clickhouse ?? {}) },
    batching: { ...d.batching, ...definedOnly(input.batching ?? {}) },
    retry: { ...d.retry, ...definedOnly(input.retry ?? {}) },
    dedup: { ...d.dedup, ...definedOnly(input.dedup ?? {}) },
  } as IngestConfig;
}

function definedOnly<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Every problem of a config (empty when valid), in the gateway's "key, expected, actual" form. */
export function validateIngestConfig(c: IngestConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = validateKafkaConfig(c.kafka);
  const check = (ok: boolean, key: string, expected: string, actual: unknown): void => {
    if (!ok) problems.push({ key, expected, actual: JSON.stringify(actual) ?? String(actual) });
  };
  const int = (key: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): void =>
    check(typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max, key, `an integer from ${min} to ${max}`, v);
  check(typeof c.groupId === 'string' && c.groupId.length > 0, 'groupId', 'a non-empty string', c.groupId);
  check(typeof c.fromBeginning === 'boolean', 'fromBeginning', 'true or false', c.fromBeginning);
  int('sessionTimeoutMs', c.sessionTimeoutMs, 6_000, 300_000);
  int('heartbeatIntervalMs', c.heartbeatIntervalMs, 100, Math.max(100, Math.floor(c.sessionTimeoutMs / 3)));
  let url: URL | undefined;
  try { url = new URL(c.clickhouse.url); } catch { url = undefined; }
  check(url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:'), 'clickhouse.url',
    'an http:// or https:// URL', c.clickhouse.url);
  check(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(c.clickhouse.database), 'clickhouse.database',
    'letters, digits and _ (not starting with a digit)', c.clickhouse.database);
  check(typeof c.clickhouse.username === 'string' && c.clickhouse.username.length > 0, 'clickhouse.username', 'a user name', c.clickhouse.username);
  int('clickhouse.requestTimeoutMs', c.clickhouse.requestTimeoutMs, 100, 600_000);
  const b = c.batching;
  int('batching.maxBatchRows', b.maxBatchRows, 1, 10_000_000);
  int('batching.maxBatchBytes', b.maxBatchBytes, 1024, 1024 * MiB);
  int('batching.flushIntervalMs', b.flushIntervalMs, 10, 600_000);
  int('batching.maxBufferRows', b.maxBufferRows, Math.max(1, b.maxBatchRows), 100_000_000);
  int('batching.maxBufferBytes', b.maxBufferBytes, Math.max(1024, b.maxBatchBytes), 16 * 1024 * MiB);
  int('retry.initialBackoffMs', c.retry.initialBackoffMs, 1, 600_000);
  int('retry.maxBackoffMs', c.retry.maxBackoffMs, Math.max(1, c.retry.initialBackoffMs), 3_600_000);
  int('dedup.windowMs', c.dedup.windowMs, 0, 7 * 24 * 3_600_000);
  int('dedup.maxKeysPerPartition', c.dedup.maxKeysPerPartition, 0, 100_000_000);
  int('retentionDays', c.retentionDays, 0, 100_000);
  int('retentionIntervalMs', c.retentionIntervalMs, 1000);
  int('statsIntervalMs', c.statsIntervalMs, 100);
  int('shutdownTimeoutMs', c.shutdownTimeoutMs, 0, 600_000);
  check((logLevels as readonly string[]).includes(c.logLevel), 'logLevel', logLevels.join(' | '), c.logLevel);
  return problems;
}
