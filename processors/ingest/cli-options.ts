import type { IngestConfigInput } from './config.ts';
import { formatOptionTable, optionTable, parseOptionTable, setPath, type OptionKind, type OptionSpec } from '../cli/option-table.ts';

const shared: Readonly<Record<string, string>> = {
  'clickhouse-url': 'NODEFARM_CLICKHOUSE_URL',
  database: 'NODEFARM_CLICKHOUSE_DATABASE',
  user: 'NODEFARM_CLICKHOUSE_USER',
};

/** Every `nodefarm ingest` option: its flag, its NODEFARM_INGEST_* variable and its config path. */
export const ingestOptions: readonly OptionSpec[] = optionTable([
  ['kafka.brokers', 'brokers', 'list', 'Kafka brokers, host:port[,host:port] (default 127.0.0.1:9092)'],
  ['kafka.clientId', 'client-id', 'string', 'Kafka client id (default nodefarm-ingest)'],
  ['groupId', 'group-id', 'string', 'consumer group; ingesters of one group share the partitions (default nodefarm-ingest)'],
  ['kafka.topics.spans', 'spans-topic', 'string', 'spans topic (default otlp_spans)'],
  ['kafka.topics.metrics', 'metrics-topic', 'string', 'metrics topic (default otlp_metrics)'],
  ['kafka.topics.deadLetter', 'dead-letter-topic', 'string', 'dead-letter topic (default otlp_dead_letter)'],
  ['kafka.createTopics', 'create-topics', 'bool', 'create missing topics at start (default true)'],
  ['kafka.partitions', 'partitions', 'int', 'partitions of created topics (default 3)'],
  ['kafka.replicationFactor', 'replication-factor', 'int', 'replication factor of created topics (default 1)'],
  ['fromBeginning', 'from-beginning', 'bool', 'a new group starts at the oldest record (default true)'],
  ['sessionTimeoutMs', 'session-timeout-ms', 'int', 'group session timeout (default 30000)'],
  ['heartbeatIntervalMs', 'heartbeat-interval-ms', 'int', 'group heartbeat interval (default 3000)'],
  ['clickhouse.url', 'clickhouse-url', 'string', 'ClickHouse HTTP endpoint (default http://127.0.0.1:8123)'],
  ['clickhouse.database', 'database', 'string', 'ClickHouse database (default nodefarm)'],
  ['clickhouse.username', 'user', 'string', 'ClickHouse user (default default); password: NODEFARM_CLICKHOUSE_PASSWORD'],
  ['clickhouse.requestTimeoutMs', 'clickhouse-timeout-ms', 'int', 'per ClickHouse request (default 30000)'],
  ['batching.maxBatchRows', 'max-batch-rows', 'int', 'insert once this many rows are buffered (default 40000)'],
  ['batching.maxBatchBytes', 'max-batch-bytes', 'int', 'or this many bytes (default 64 MiB)'],
  ['batching.flushIntervalMs', 'flush-interval-ms', 'int', 'or when the oldest row waited this long (default 1000)'],
  ['batching.maxBufferRows', 'max-buffer-rows', 'int', 'pause consuming at this many buffered rows (default 120000)'],
  ['batching.maxBufferBytes', 'max-buffer-bytes', 'int', 'or at these buffered bytes (default 192 MiB)'],
  ['retry.initialBackoffMs', 'retry-initial-ms', 'int', 'first retry delay after a failed insert (default 250)'],
  ['retry.maxBackoffMs', 'retry-max-ms', 'int', 'longest retry delay (default 30000)'],
  ['dedup.windowMs', 'dedup-window-ms', 'int', 'span keys remembered this long per partition (default 600000)'],
  ['dedup.maxKeysPerPartition', 'dedup-max-keys', 'int', 'at most this many span keys per partition (default 100000)'],
  ['retentionDays', 'retention-days', 'int', 'days of raw data kept by the hourly retention job; 0 = off (default 30)'],
  ['retentionIntervalMs', 'retention-interval-ms', 'int', 'how often retention runs (default 3600000)'],
  ['statsIntervalMs', 'stats-interval-ms', 'int', 'counters logged at debug this often (default 60000)'],
  ['shutdownTimeoutMs', 'shutdown-timeout-ms', 'int', 'how long SIGTERM keeps trying to store the last batch (default 15000)'],
  ['logLevel', 'log-level', 'string', 'debug | info | warn | error | silent (default info)'],
] satisfies [string, string, OptionKind, string][], (flag) => `NODEFARM_INGEST_${flag.replace(/-/g, '_').toUpperCase()}`,
(flag) => shared[flag]);

export type ParsedIngestOptions =
  | { readonly ok: true; readonly help: boolean; readonly input: IngestConfigInput }
  | { readonly ok: false; readonly problem: string };

/**
 * Builds the ingester input. Precedence, low to high: defaults (applied later), NODEFARM_CLICKHOUSE_* (shared
 * with `nodefarm migrate`), NODEFARM_INGEST_*, flags (`--name value`, `--name=value`, `--no-name` for booleans).
 * The ClickHouse password is read from the environment only, so it never shows in `ps`.
 */
export function parseIngestOptions(args: readonly string[], env: NodeJS.ProcessEnv): ParsedIngestOptions {
  const parsed = parseOptionTable(ingestOptions, args, env);
  if (!parsed.ok || parsed.help) return parsed.ok ? { ok: true, help: true, input: {} } : parsed;
  const password = env.NODEFARM_INGEST_CLICKHOUSE_PASSWORD ?? env.NODEFARM_CLICKHOUSE_PASSWORD;
  if (password !== undefined) setPath(parsed.input, 'clickhouse.password', password);
  return { ok: true, help: false, input: parsed.input as IngestConfigInput };
}

/** The option list for `nodefarm ingest --help`. */
export function ingestUsage(): string {
  return 'usage: nodefarm ingest [options]\n\nConsumes OTLP records from Kafka and stores them in ClickHouse exactly once.\n\n'
    + `${formatOptionTable(ingestOptions)}\n`;
}
