import { createClient } from '@clickhouse/client';
import { createIngester } from '../../../processors/ingest/index.ts';
import type { Ingester, IngesterOptions } from '../../../processors/ingest/index.ts';
import { DEAD_LETTER_HEADERS } from '../../../processors/ingest/index.ts';
import type { Gateway } from '../../../processors/gateway/index.ts';
import type { KafkaTopics } from '../../../processors/kafka/config.ts';
import { silentLog } from '../../../processors/kafka/log-sink.ts';
import { kafkaBrokers, uniqueName } from '../../support/services.ts';
import {
  createTestDatabase, createTestTopics, deleteTopics, exportSpans, makeSpans, rollupRequests, spanCounts, startGateway,
  testKafka, waitFor,
} from './ingest-fixture.ts';
import type { TestDatabase } from './ingest-fixture.ts';

interface Setup { db: TestDatabase; topics: KafkaTopics; gateway: Gateway; url: string; ingester: Ingester; options: IngesterOptions }
const setups: Setup[] = [];

async function setup(prepare?: (db: TestDatabase) => Promise<void>, overrides: Partial<IngesterOptions> = {}): Promise<Setup> {
  const db = await createTestDatabase();
  await prepare?.(db);
  const topics = await createTestTopics(3);
  const { gateway, url } = await startGateway(topics);
  const options: IngesterOptions = {
    log: silentLog,
    groupId: uniqueName('in_group'),
    kafka: { brokers: kafkaBrokers(), topics, createTopics: false },
    clickhouse: { url: db.url, database: db.database },
    batching: { flushIntervalMs: 200 },
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 500,
    retentionDays: 0,
    ...overrides,
  };
  try {
    const ingester = createIngester(options);
    const s = { db, topics, gateway, url, ingester, options };
    setups.push(s);
    await ingester.start();
    return s;
  } catch (err) {
    await gateway.shutdown(1000);
    await deleteTopics(topics);
    await db.drop();
    throw err;
  }
}

async function readDeadLetters(topic: string, count: number): Promise<{ value: Buffer | null; headers: Record<string, string> }[]> {
  const consumer = testKafka().consumer({ groupId: uniqueName('in_dlq_reader'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const letters: { value: Buffer | null; headers: Record<string, string> }[] = [];
  await consumer.run({
    eachMessage: async ({ message }) => {
      letters.push({ value: message.value, headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])) });
    },
  });
  await waitFor('the dead letters in Kafka', async () => letters.length >= count, 20_000);
  await new Promise((r) => setTimeout(r, 300)); // extra letters would show up too
  await consumer.disconnect();
  return letters;
}

function metricsExport(service: string, value: number): string {
  return JSON.stringify({
    resourceMetrics: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeMetrics: [{ metrics: [{ name: 'queue.depth', gauge: { dataPoints: [{ timeUnixNano: String(Date.now() * 1e6), asDouble: value }] } }] }],
    }],
  });
}

afterAll(async () => {
  for (const s of setups) {
    await s.ingester.shutdown();
    await s.gateway.shutdown(1000);
    await deleteTopics(s.topics);
    await s.db.drop();
  }
});

describe('Ingester', () => {
  it('stores exported spans, worker events and metrics with exact counts, values and rollups', async () => {
    const { db, url, ingester } = await setup();
    const spans = makeSpans({ requests: 300, statuses: [200, 200, 404, 500], lifecycle: true });
    await exportSpans(url, spans);
    const now = Date.now();
    const metrics = {
      resourceMetrics: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }, { key: 'nodefarm.farm', value: { stringValue: 'farm1' } },
          { key: 'host.name', value: { stringValue: 'web-01' } }, { key: 'process.pid', value: { intValue: 4242 } }] },
        scopeMetrics: [{
          scope: { name: 'nodefarm.host' },
          metrics: [{
            name: 'process.memory.usage', unit: 'By',
            gauge: { dataPoints: [100, 300].map((v, i) => ({
              timeUnixNano: String((now - 1000 + i) * 1e6), asInt: String(v * 1_000_000),
              attributes: [{ key: 'iisnode.node_pid', value: { intValue: 1001 } }],
            })) },
          }],
        }],
      }],
    };
    const res = await fetch(`${url}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(metrics) });
    expect(res.status).toBe(200);

    await waitFor('all rows', async () => (await db.count('SELECT count() FROM spans')) >= 302
      && (await db.count('SELECT count() FROM metrics')) >= 2);
    await waitFor('a commit', async () => ingester.stats().commits > 0);
    expect(await spanCounts(db)).toEqual({ rows: 302, distinct: 302 });
    expect(await rollupRequests(db)).toBe(300);
    const status = await db.rows<{ http_status: number; substatus: number; n: string }>(
      'SELECT http_status, substatus, sum(requests) AS n FROM status_1m GROUP BY http_status, substatus ORDER BY http_status');
    expect(status.map((r) => [r.http_status, r.substatus, Number(r.n)])).toEqual([[200, 0, 150], [404, 0, 75], [500, 1002, 75]]);
    const [req] = await db.rows<Record<string, string>>(
      'SELECT countIfMerge(server_errors) AS e5, countIfMerge(client_errors) AS e4, countIfMerge(retried) AS retried, '
      + 'sumMerge(pipe_retries) AS pr, maxMerge(duration_max) AS dmax FROM requests_1m');
    expect(req).toMatchObject({ e5: '75', e4: '75', retried: '100', pr: '100', dmax: '3000000' });

    const [one] = await db.rows<Record<string, unknown>>(
      "SELECT * FROM spans WHERE url_path = '/items/6'");
    expect(one).toMatchObject({
      name: 'GET /items', kind: 2, farm: 'farm1', server: 'web-01', app: 'shop', environment: 'test', host_pid: 4242,
      worker_pid: 1001, http_method: 'GET', http_status: 404, np_retry: 1, scope_name: 'nodefarm-test', scope_version: '1.0.0',
      duration_ns: '3000000', source: 'otlp',
    });
    const original = spans.find((s) => s.attributes['url.path'] === '/items/6');
    expect(Math.abs(Number(new Date(`${String(one?.ingested_at)}Z`)) - Date.now())).toBeLessThan(60_000);
    expect(one?.trace_id).toBe(original?.spanContext().traceId);
    expect(one?.span_id).toBe(original?.spanContext().spanId);
    const keys = one?.attr_keys as string[];
    expect((one?.attr_values as string[])[keys.indexOf('http.response.status_code')]).toBe('404');

    const events = await db.rows<Record<string, unknown>>('SELECT event, reason, exit_code, signal, uptime_ms, requests_served, '
      + 'cold_start_ms, worker_pid, host_pid FROM worker_events ORDER BY event DESC');
    expect(events).toEqual([
      { event: 'start', reason: '', exit_code: null, signal: '', uptime_ms: '0', requests_served: '0', cold_start_ms: 120, worker_pid: 1001, host_pid: 4242 },
      { event: 'exit', reason: 'crash', exit_code: 3, signal: '', uptime_ms: '3880', requests_served: '300', cold_start_ms: 0, worker_pid: 1001, host_pid: 4242 },
    ]);
    expect(await db.count('SELECT sum(s) FROM (SELECT countMerge(starts) AS s FROM worker_starts_1m GROUP BY minute)')).toBe(1);
    expect(await db.count('SELECT sum(exits) FROM worker_exits_1m')).toBe(1);
    const [mem] = await db.rows<{ mx: number; av: number; pid: number }>(
      'SELECT maxMerge(rss_max) AS mx, avgMerge(rss_avg) AS av, any(worker_pid) AS pid FROM memory_1m');
    expect(mem).toEqual({ mx: 300_000_000, av: 200_000_000, pid: 1001 });
    const s = ingester.stats();
    expect(s.rowsInserted).toEqual({ spans: 302, worker_events: 2, metrics: 2 });
    expect(s.deadLettered).toBe(0);
  });

  it('stores a flush of thousands of spans, sent as two concurrent inserts, exactly once and commits it', async () => {
    const { db, url, ingester } = await setup(undefined, { batching: { flushIntervalMs: 3000 } });
    const spans = makeSpans({ requests: 5000 });
    await exportSpans(url, spans, 1000);
    await waitFor('the spans', async () => (await db.count('SELECT count() FROM spans')) === 5000, 30_000);
    await waitFor('the commit', async () => ingester.stats().bufferedRecords === 0 && ingester.stats().commits > 0);
    expect(await spanCounts(db)).toEqual({ rows: 5000, distinct: 5000 });
    expect(await rollupRequests(db)).toBe(5000);
    // Spans only: a flush of 4,000 spans or more is the one way to send more inserts than flushes.
    const s = ingester.stats();
    expect(s.inserts).toBeGreaterThan(s.batches);
  });

  it('counts a span once when the same OTLP export is sent twice, seconds apart', async () => {
    const { db, url, ingester } = await setup();
    const spans = makeSpans({ requests: 120 });
    await exportSpans(url, spans);
    await waitFor('the first copy', async () => (await db.count('SELECT count() FROM spans')) === 120);
    await exportSpans(url, spans); // a client retrying an export whose answer it lost
    await exportSpans(url, spans.slice(0, 50));
    await waitFor('the copies to be consumed and dropped', async () => ingester.stats().duplicatesDropped === 170);
    await waitFor('the commit of the copies', async () => ingester.stats().bufferedRecords === 0);
    expect(await spanCounts(db)).toEqual({ rows: 120, distinct: 120 });
    expect(await rollupRequests(db)).toBe(120);
  });

  it('counts a span once when it is exported again after the ingester restarted (window seeded from ClickHouse)', async () => {
    const setupResult = await setup();
    const { db, url, options } = setupResult;
    const spans = makeSpans({ requests: 80 });
    await exportSpans(url, spans);
    await waitFor('the first copy', async () => (await db.count('SELECT count() FROM spans')) === 80);
    await waitFor('its commit', async () => setupResult.ingester.stats().commits > 0 && setupResult.ingester.stats().bufferedRecords === 0);
    await setupResult.ingester.shutdown();
    const next = createIngester(options);
    setupResult.ingester = next;
    await next.start();
    await exportSpans(url, spans);
    await waitFor('the copies to be dropped', async () => next.stats().duplicatesDropped === 80);
    expect(next.stats().rowsInserted.spans).toBe(0);
    expect(await spanCounts(db)).toEqual({ rows: 80, distinct: 80 });
    expect(await rollupRequests(db)).toBe(80);
  });

  it('sends an undecodable record to the dead-letter topic and stores the rest', async () => {
    const { db, url, topics, ingester } = await setup();
    const producer = testKafka().producer();
    await producer.connect();
    const poison = Buffer.from('this is not protobuf \u00ff\u00fe');
    await producer.send({ topic: topics.spans, messages: [{ key: 'k', value: poison, partition: 1, headers: { 'otlp-signal': 'traces' } }] });
    await producer.disconnect();
    await exportSpans(url, makeSpans({ requests: 40 }));
    await waitFor('the good spans', async () => (await db.count('SELECT count() FROM spans')) === 40);
    await waitFor('the dead letter', async () => ingester.stats().deadLettered === 1);

    const letters = await readDeadLetters(topics.deadLetter, 1);
    expect(letters).toHaveLength(1);
    expect(letters[0]?.value).toEqual(poison);
    expect(letters[0]?.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.topic]: topics.spans, [DEAD_LETTER_HEADERS.partition]: '1', [DEAD_LETTER_HEADERS.offset]: '0',
      'otlp-signal': 'traces',
    });
    expect(letters[0]?.headers[DEAD_LETTER_HEADERS.error]).toMatch(/not a valid protobuf/);
    expect(await rollupRequests(db)).toBe(40);
  });

  it('sends a record whose rows ClickHouse rejects to the dead-letter topic and stores the other records', async () => {
    // A schema where a fractional value cannot be stored stands in for any row ClickHouse refuses for good.
    const { db, url, topics, ingester } = await setup(async (d) => {
      const ch = createClient({ url: d.url, database: d.database });
      await ch.command({ query: 'DROP TABLE memory_1m_mv' });
      await ch.command({ query: 'ALTER TABLE metrics MODIFY COLUMN value Int64' });
      await ch.close();
    });
    for (const [service, value] of [['a', 7], ['b', 2.5], ['c', 9]] as const) {
      const res = await fetch(`${url}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: metricsExport(service, value) });
      expect(res.status).toBe(200);
    }
    await waitFor('the dead letter', async () => ingester.stats().deadLettered === 1);
    await waitFor('the other records', async () => (await db.count('SELECT count() FROM metrics')) === 2);
    const rows = await db.rows<{ app: string; value: string }>('SELECT app, value FROM metrics ORDER BY app');
    expect(rows).toEqual([{ app: 'a', value: '7' }, { app: 'c', value: '9' }]);
    const letters = await readDeadLetters(topics.deadLetter, 1);
    expect(letters).toHaveLength(1);
    expect(letters[0]?.headers).toMatchObject({ [DEAD_LETTER_HEADERS.topic]: topics.metrics, 'nodefarm-dlq-table': 'metrics' });
    expect(letters[0]?.headers[DEAD_LETTER_HEADERS.error]).toMatch(/ClickHouse rejected the rows for metrics/);
    expect(JSON.parse(String(letters[0]?.value))).toMatchObject({ app: 'b', value: 2.5 });
  });

  it('runs the retention job when configured, dropping days older than the horizon', async () => {
    const old = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 19).replace('T', ' ');
    const { db } = await setup(async (d) => {
      const ch = createClient({ url: d.url, database: d.database });
      await ch.insert({ table: 'spans', format: 'JSONEachRow', values: [{ start_time: old, name: 'old', kind: 2 }] });
      await ch.close();
      expect(await d.count('SELECT count() FROM requests_1m')).toBe(1);
    }, { retentionDays: 3, retentionIntervalMs: 1000 });
    await waitFor('the old day to be dropped', async () => (await db.count('SELECT count() FROM spans')) === 0);
    // Rollups keep their longer default horizon.
    expect(await db.count('SELECT count() FROM requests_1m')).toBe(1);
  });

  it('stores and commits what it holds when shut down before its next flush', async () => {
    const setupResult = await setup(undefined, { batching: { flushIntervalMs: 600_000 } });
    const { db, url, topics, ingester, options } = setupResult;
    await exportSpans(url, makeSpans({ requests: 90 }));
    await waitFor('the rows in the buffer', async () => ingester.stats().bufferedRows === 90);
    expect(await db.count('SELECT count() FROM spans')).toBe(0);
    await ingester.shutdown();
    expect(await spanCounts(db)).toEqual({ rows: 90, distinct: 90 });
    const admin = testKafka().admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topics.spans);
    const [committed] = await admin.fetchOffsets({ groupId: options.groupId as string, topics: [topics.spans] });
    await admin.disconnect();
    const end = new Map(ends.map((p) => [p.partition, p.offset]));
    for (const p of committed?.partitions ?? []) expect(p.offset).toBe(end.get(p.partition));
  });
});
