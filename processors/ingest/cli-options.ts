import type { IngestConfigInput } from './config.ts';

type Kind = 'string' | 'int' | 'list' | 'bool';

interface OptionSpec {
  /** Dotted path in {@link IngestConfigInput}. */
  readonly path: string;
  readonly flag: string;
  readonly env: string;
  /** A second, shared variable read when `env` is unset (the migrator's NODEFARM_CLICKHOUSE_*). */
  readonly sharedEnv?: string;
  readonly kind: Kind;
  readonly help: string;
}

const shared: Readonly<Record<string, string>> = {
  'clickhouse-url': 'NODEFARM_CLICKHOUSE_URL',
  database: 'NODEFARM_CLICKHOUSE_DATABASE',
  user: 'NODEFARM_CLICKHOUSE_USER',
};

/** Every `nodefarm ingest` option: its flag, its NODEFARM_INGEST_* variable and its config path. */
export const ingestOptions: readonly OptionSpec[] = [
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
  ['batching.maxBatchRows', 'max-batch-rows', 'int', 'insert once this many rows are buffered (default 10000)'],
  ['batching.maxBatchBytes', 'max-batch-bytes', 'int', 'or this many bytes (default 16 MiB)'],
  ['batching.flushIntervalMs', 'flush-interval-ms', 'int', 'or when the oldest row waited this long (default 1000)'],
  ['batching.maxBufferRows', 'max-buffer-rows', 'int', 'pause consuming at this many buffered rows (default 50000)'],
  ['batching.maxBufferBytes', 'max-buffer-bytes', 'int', 'or at these buffered bytes (default 64 MiB)'],
  ['retry.initialBackoffMs', 'retry-initial-ms', 'int', 'first retry delay after a failed insert (default 250)'],
  ['retry.maxBackoffMs', 'retry-max-ms', 'int', 'longest retry delay (default 30000)'],
  ['dedup.windowMs', 'dedup-window-ms', 'int', 'span keys remembered this long per partition (default 600000)'],
  ['dedup.maxKeysPerPartition', 'dedup-max-keys', 'int', 'at most this many span keys per partition (default 100000)'],
  ['retentionDays', 'retention-days', 'int', 'days of raw data kept by the hourly retention job; 0 = off (default 30)'],
  ['retentionIntervalMs', 'retention-interval-ms', 'int', 'how often retention runs (default 3600000)'],
  ['statsIntervalMs', 'stats-interval-ms', 'int', 'counters logged at debug this often (default 60000)'],
  ['shutdownTimeoutMs', 'shutdown-timeout-ms', 'int', 'how long SIGTERM keeps trying to store the last batch (default 15000)'],
  ['logLevel', 'log-level', 'string', 'debug | info | warn | error | silent (default info)'],
].map(([path, flag, kind, help]) => ({
  path: path as string, flag: flag as string, kind: kind as Kind, help: help as string,
  env: `NODEFARM_INGEST_${(flag as string).replace(/-/g, '_').toUpperCase()}`,
  sharedEnv: shared[flag as string],
}));

function convert(kind: Kind, raw: string): unknown {
  const t = raw.trim();
  switch (kind) {
    case 'int': return /^\d+$/.test(t) ? Number(t) : raw; // bad text is left for the validator to report
    case 'list': return raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    case 'bool': return ['1', 'true', 'yes', 'on'].includes(t.toLowerCase()) ? true
      : ['0', 'false', 'no', 'off'].includes(t.toLowerCase()) ? false : raw;
    default: return raw;
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1] as string] = value;
}

export type ParsedIngestOptions =
  | { readonly ok: true; readonly help: boolean; readonly input: IngestConfigInput }
  | { readonly ok: false; readonly problem: string };

/**
 * Builds the ingester input. Precedence, low to high: defaults (applied later), NODEFARM_CLICKHOUSE_* (shared
 * with `nodefarm migrate`), NODEFARM_INGEST_*, flags (`--name value`, `--name=value`, `--no-name` for booleans).
 * The ClickHouse password is read from the environment only, so it never shows in `ps`.
 */
export function parseIngestOptions(args: readonly string[], env: NodeJS.ProcessEnv): ParsedIngestOptions {
  const input: Record<string, unknown> = {};
  for (const spec of ingestOptions) {
    const raw = env[spec.env] || (spec.sharedEnv ? env[spec.sharedEnv] : undefined);
    if (raw !== undefined && raw !== '') setPath(input, spec.path, convert(spec.kind, raw));
  }
  const password = env.NODEFARM_INGEST_CLICKHOUSE_PASSWORD ?? env.NODEFARM_CLICKHOUSE_PASSWORD;
  if (password !== undefined) setPath(input, 'clickhouse.password', password);
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === '--help' || arg === '-h') return { ok: true, help: true, input: {} };
    const match = /^--(no-)?([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    const spec = match ? ingestOptions.find((o) => o.flag === match[2]) : undefined;
    if (!match || !spec || (match[1] && spec.kind !== 'bool')) return { ok: false, problem: `unknown option '${arg}'` };
    let value = match[3];
    if (value === undefined) {
      if (spec.kind === 'bool') value = match[1] ? 'false' : 'true';
      else {
        value = args[i + 1];
        i += 1;
        if (value === undefined) return { ok: false, problem: `option '--${spec.flag}' needs a value` };
      }
    }
    setPath(input, spec.path, convert(spec.kind, value));
  }
  return { ok: true, help: false, input: input as IngestConfigInput };
}

/** The option list for `nodefarm ingest --help`. */
export function ingestUsage(): string {
  const width = Math.max(...ingestOptions.map((o) => o.flag.length)) + 2;
  const lines = ingestOptions.map((o) => `  --${o.flag.padEnd(width)} ${o.help}\n  ${''.padEnd(width + 2)} env ${o.env}`
    + (o.sharedEnv ? ` or ${o.sharedEnv}` : ''));
  return 'usage: nodefarm ingest [options]\n\nConsumes OTLP records from Kafka and stores them in ClickHouse exactly once.\n\n'
    + `${lines.join('\n')}\n`;
}
