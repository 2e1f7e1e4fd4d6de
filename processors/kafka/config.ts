/**
 * Kafka settings shared by the gateway (producer, topic creation) and the ingester (consumer): which
 * brokers, which topics, and how the project creates those topics.
 */
export interface KafkaTopics {
  /** OTLP spans, one record per resource batch and trace (key: hex trace id). */
  readonly spans: string;
  /** OTLP metrics, one record per resource batch (key: hash of the resource). */
  readonly metrics: string;
  /** Records the ingester could not store for good (poison records). */
  readonly deadLetter: string;
}

export interface KafkaConfig {
  /** `host:port` of one or more brokers. */
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topics: KafkaTopics;
  /** Create missing topics at start (admin CreateTopics; existing topics are left as they are). */
  readonly createTopics: boolean;
  /** Partitions of newly created topics. */
  readonly partitions: number;
  readonly replicationFactor: number;
  /** `retention.ms` of the spans and metrics topics. */
  readonly retentionMs: number;
  /** `retention.ms` of the dead-letter topic (longer: people read it by hand). */
  readonly deadLetterRetentionMs: number;
  /**
   * Record batch compression. gzip is the one codec kafkajs ships without plugins; OTLP protobuf typically
   * shrinks several-fold, at some CPU cost in the gateway. Readers decompress transparently.
   */
  readonly compression: 'none' | 'gzip';
  /** Idempotent producer (acks=all, one in-flight request per broker, sequence numbers per partition). */
  readonly idempotent: boolean;
  readonly connectionTimeoutMs: number;
  /** Per Kafka request, including waiting for acks=all. */
  readonly requestTimeoutMs: number;
  /** Client retries per call before the caller sees the failure (clients of the gateway retry after a 503). */
  readonly retries: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const kafkaDefaults: KafkaConfig = Object.freeze({
  brokers: Object.freeze(['127.0.0.1:9092']),
  clientId: 'nodefarm-gateway',
  topics: Object.freeze({ spans: 'otlp_spans', metrics: 'otlp_metrics', deadLetter: 'otlp_dead_letter' }),
  createTopics: true,
  partitions: 3,
  replicationFactor: 1,
  retentionMs: 7 * DAY_MS,
  deadLetterRetentionMs: 14 * DAY_MS,
  compression: 'none',
  idempotent: true,
  connectionTimeoutMs: 3000,
  requestTimeoutMs: 10000,
  retries: 3,
});

/** One failed check: "key is invalid, expected …, actual …". */
export interface ConfigProblem {
  readonly key: string;
  readonly expected: string;
  readonly actual: string;
}

const topicName = /^[A-Za-z0-9._-]{1,249}$/;
const brokerAddress = /^[^\s:]+:\d{1,5}$/;

/** Checks a Kafka config; returns every problem found (empty when valid). `prefix` names the keys. */
export function validateKafkaConfig(config: KafkaConfig, prefix = 'kafka.'): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const check = (ok: boolean, key: string, expected: string, actual: unknown): void => {
    if (!ok) problems.push({ key: prefix + key, expected, actual: JSON.stringify(actual) ?? String(actual) });
  };
  check(config.brokers.length > 0 && config.brokers.every((b) => brokerAddress.test(b)), 'brokers',
    'one or more host:port', config.brokers);
  check(config.clientId.length > 0, 'clientId', 'a non-empty string', config.clientId);
  for (const key of ['spans', 'metrics', 'deadLetter'] as const) {
    check(topicName.test(config.topics[key]), `topics.${key}`, 'a Kafka topic name ([A-Za-z0-9._-], 1-249 chars)',
      config.topics[key]);
  }
  const names = new Set([config.topics.spans, config.topics.metrics, config.topics.deadLetter]);
  check(names.size === 3, 'topics', 'three different topic names', config.topics);
  const int = (key: keyof KafkaConfig, min: number, max: number): void => {
    const v = config[key];
    check(typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max, key, `an integer from ${min} to ${max}`, v);
  };
  check(config.compression === 'none' || config.compression === 'gzip', 'compression', 'none | gzip', config.compression);
  int('partitions', 1, 10000);
  int('replicationFactor', 1, 100);
  int('retentionMs', 60000, Number.MAX_SAFE_INTEGER);
  int('deadLetterRetentionMs', 60000, Number.MAX_SAFE_INTEGER);
  int('connectionTimeoutMs', 100, 600000);
  int('requestTimeoutMs', 100, 600000);
  int('retries', 0, 100);
  return problems;
}
