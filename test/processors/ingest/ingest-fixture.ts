/**
 * Shared pieces of the ingester tests: a migrated database of their own, unique topics, a real gateway, OTLP
 * exports through the OpenTelemetry JS SDK, and counting queries.
 */
import { Kafka, logLevel } from 'kafkajs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { SpanKind } from '@opentelemetry/api';
import { createClient } from '@clickhouse/client';
import { createGateway } from '../../../processors/gateway/index.ts';
import type { Gateway } from '../../../processors/gateway/index.ts';
import type { KafkaTopics } from '../../../processors/kafka/config.ts';
import { ensureTopics } from '../../../processors/kafka/ensure-topics.ts';
import { kafkaDefaults } from '../../../processors/kafka/config.ts';
import { silentLog } from '../../../processors/kafka/log-sink.ts';
import { createMigrator } from '../../../processors/migrate/index.ts';
import { clickhouseUrl, kafkaBrokers, uniqueName } from '../../support/services.ts';

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 200):
  Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A database migrated by the real migrator, dropped by `drop()`. */
export interface TestDatabase {
  readonly url: string;
  readonly database: string;
  /** Runs a SELECT and returns its rows. */
  rows<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** A single number from a SELECT (the first column of the first row). */
  count(sql: string): Promise<number>;
  drop(): Promise<void>;
}

export async function createTestDatabase(url = clickhouseUrl()): Promise<TestDatabase> {
  const database = uniqueName('nf_ingest');
  const migrator = createMigrator({ url, database, lockWaitMs: 60_000 });
  try {
    await migrator.migrate();
  } finally {
    await migrator.close();
  }
  const client = createClient({ url, database, request_timeout: 10_000 });
  const rows = async <T>(sql: string): Promise<T[]> => (await client.query({ query: sql, format: 'JSONEachRow' })).json<T>();
  return {
    url,
    database,
    rows,
    async count(sql) {
      const r = await rows<Record<string, unknown>>(sql);
      return Number(Object.values(r[0] ?? {})[0] ?? 0);
    },
    async drop() {
      await client.command({ query: `DROP DATABASE IF EXISTS ${database}` }).catch(() => undefined);
      await client.close();
    },
  };
}

export function testKafka(brokers = kafkaBrokers()): Kafka {
  return new Kafka({ brokers, clientId: 'ingest-test', logLevel: logLevel.NOTHING, retry: { retries: 2 } });
}

/** Topics unique to one test, created with `partitions` partitions. */
export async function createTestTopics(partitions: number, brokers = kafkaBrokers()): Promise<KafkaTopics> {
  const topics: KafkaTopics = { spans: uniqueName('in_spans'), metrics: uniqueName('in_metrics'), deadLetter: uniqueName('in_dlq') };
  await ensureTopics(testKafka(brokers), { ...kafkaDefaults, brokers, topics, partitions });
  return topics;
}

export async function deleteTopics(topics: KafkaTopics, brokers = kafkaBrokers()): Promise<void> {
  const admin = testKafka(brokers).admin();
  try {
    await admin.connect();
    await admin.deleteTopics({ topics: [topics.spans, topics.metrics, topics.deadLetter], timeout: 5000 });
  } catch {
    // best effort: a broker that a test stopped is gone with its topics
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** A real gateway on an ephemeral port writing to `topics`. */
export async function startGateway(topics: KafkaTopics, brokers = kafkaBrokers()): Promise<{ gateway: Gateway; url: string }> {
  const gateway = createGateway({
    port: 0, log: silentLog, kafka: { brokers, topics, createTopics: false, requestTimeoutMs: 5000, retries: 1 },
  });
  const { port } = await gateway.start();
  const url = `http://127.0.0.1:${port}`;
  await waitFor('gateway readiness', async () => (await fetch(`${url}/readyz`)).status === 200, 30_000);
  return { gateway, url };
}

export interface SpanPlan {
  /** Request (SERVER) spans to create, with their statuses cycling through `statuses`. */
  readonly requests: number;
  readonly app?: string;
  readonly statuses?: readonly number[];
  /** Adds one process.start and one process.exit span. */
  readonly lifecycle?: boolean;
}

/** Finished spans made by the OpenTelemetry JS SDK (kept in memory, exported by {@link exportSpans}). */
export function makeSpans(plan: SpanPlan): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': plan.app ?? 'shop', 'nodefarm.farm': 'farm1', 'host.name': 'web-01', 'process.pid': 4242,
      'deployment.environment': 'test',
    }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('nodefarm-test', '1.0.0');
  const statuses = plan.statuses ?? [200];
  const t0 = Date.now() - 5_000;
  for (let i = 0; i < plan.requests; i += 1) {
    const status = statuses[i % statuses.length] as number;
    const span = tracer.startSpan('GET /items', {
      kind: SpanKind.SERVER,
      startTime: t0 + i,
      attributes: {
        'http.request.method': 'GET', 'url.path': `/items/${i}`, 'http.response.status_code': status,
        'iisnode.node_pid': 1001, 'iisnode.np_retry': i % 3 === 0 ? 1 : 0, 'iisnode.substatus': status >= 500 ? 1002 : 0,
      },
    });
    span.end(t0 + i + 3);
  }
  if (plan.lifecycle) {
    tracer.startSpan('process.start', { startTime: t0, attributes: { 'iisnode.node_pid': 1001, 'nodefarm.worker.cold_start_ms': 120 } })
      .end(t0 + 120);
    tracer.startSpan('process.exit', {
      startTime: t0 + 4000,
      attributes: {
        'iisnode.node_pid': 1001, 'nodefarm.worker.reason': 'crash', 'process.exit.code': 3,
        'nodefarm.worker.uptime_ms': 3880, 'nodefarm.worker.requests_served': plan.requests,
      },
    }).end(t0 + 4001);
  }
  const spans = memory.getFinishedSpans();
  void provider.shutdown();
  return [...spans];
}

/** Exports spans through the real OTLP/HTTP protobuf exporter to the gateway; resolves when the gateway said 200. */
export async function exportSpans(gatewayUrl: string, spans: readonly ReadableSpan[], chunk = 200): Promise<void> {
  const exporter = new OTLPTraceExporter({ url: `${gatewayUrl}/v1/traces`, timeoutMillis: 20_000 });
  try {
    for (let i = 0; i < spans.length; i += chunk) {
      await new Promise<void>((resolve, reject) => {
        exporter.export(spans.slice(i, i + chunk), (result) => {
          if (result.code === 0) resolve();
          else reject(result.error ?? new Error('export failed'));
        });
      });
    }
  } finally {
    await exporter.shutdown();
  }
}

/** `requests` from the requests_1m rollup (read the documented way: countMerge + GROUP BY). */
export async function rollupRequests(db: TestDatabase): Promise<number> {
  return db.count('SELECT sum(r) FROM (SELECT countMerge(requests) AS r FROM requests_1m GROUP BY farm, app, server, worker_pid, minute)');
}

/** Rows in `spans` and distinct span ids (they must be equal: no span stored twice). */
export async function spanCounts(db: TestDatabase): Promise<{ rows: number; distinct: number }> {
  const [r] = await db.rows<{ rows: string; distinct: string }>(
    'SELECT count() AS rows, uniqExact(trace_id, span_id) AS distinct FROM spans');
  return { rows: Number(r?.rows ?? 0), distinct: Number(r?.distinct ?? 0) };
}
