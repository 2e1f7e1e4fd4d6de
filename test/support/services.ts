/**
 * Where the test services are. The jest global setup starts (or reuses) them and exports these variables;
 * the defaults are the ports deploy/kafka/kafka.sh and deploy/clickhouse/clickhouse.sh use.
 */
export function kafkaBrokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? '19092'}`).split(',');
}

export function clickhouseUrl(): string {
  return process.env.CLICKHOUSE_URL ?? `http://127.0.0.1:${process.env.CLICKHOUSE_HTTP_PORT ?? '18123'}`;
}

/** A name unique to this test process and call, for topics, groups and databases shared with parallel tests. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
