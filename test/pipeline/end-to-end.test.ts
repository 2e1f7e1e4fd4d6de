/**
 * The whole pipeline with every real part: a nodefarm host with telemetry on, serving real workers, exports to
 * the real gateway; the gateway writes to Kafka; the ingester stores into ClickHouse (18.16); the rollups the
 * dashboards read count exactly what the host served.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createIngester, type Ingester } from '../../processors/ingest/index.ts';
import type { Gateway } from '../../processors/gateway/index.ts';
import type { KafkaTopics } from '../../processors/kafka/config.ts';
import { silentLog } from '../../processors/kafka/log-sink.ts';
import { kafkaBrokers, uniqueName } from '../support/services.ts';
import {
  createTestDatabase, createTestTopics, deleteTopics, startGateway, waitFor, type TestDatabase,
} from '../processors/ingest/ingest-fixture.ts';
import { cleanup, fastRetries, httpGet, startHost } from '../host/runtime/helpers.ts';

let db: TestDatabase;
let topics: KafkaTopics;
let gateway: Gateway;
let gatewayUrl: string;
let ingester: Ingester;

beforeAll(async () => {
  db = await createTestDatabase();
  topics = await createTestTopics(3);
  ({ gateway, url: gatewayUrl } = await startGateway(topics));
  ingester = createIngester({
    log: silentLog, groupId: uniqueName('e2e_group'), retentionDays: 0,
    kafka: { brokers: kafkaBrokers(), topics, createTopics: false },
    clickhouse: { url: db.url, database: db.database },
    batching: { flushIntervalMs: 200 },
  });
  await ingester.start();
}, 60_000);

afterAll(async () => {
  await cleanup();
  await ingester?.shutdown();
  await gateway?.shutdown(1000);
  if (topics) await deleteTopics(topics);
  await db?.drop();
});

describe('Host → gateway → Kafka → ingester → ClickHouse', () => {
  it('lands every request the host served in spans and in the per-minute rollups, exactly once', async () => {
    const { host, base } = await startHost([
      { script: 'hello.cjs', name: 'shop', settings: { nodeProcessCountPerApplication: 2 } },
      // A command that does not exist: the app ends errored and answers 503.1002 at once.
      { script: 'hello.cjs', name: 'broken', pathPrefix: '/broken', settings: { ...fastRetries, nodeProcessCommandLine: 'nodefarm-no-such-node' } },
    ], {
      restart: { baseDelay: 20, maxFastCrashes: 2 },
      telemetry: { enabled: true, endpoint: gatewayUrl, scheduledDelayMs: 50, metricsIntervalMs: 200 },
    });
    await waitFor('the broken app to be errored', async () => host.apps.find((a) => a.app.name === 'broken')?.pool.state === 'errored');

    const ok = 40;
    const failed = 5;
    for (let i = 0; i < ok; i++) expect((await httpGet(`${base}/`)).status).toBe(200);
    for (let i = 0; i < failed; i++) expect((await httpGet(`${base}/broken/`)).status).toBe(503);

    const requests = (app: string) => db.count(
      `SELECT sum(r) FROM (SELECT countMerge(requests) AS r FROM requests_1m WHERE farm = 'test' AND app = '${app}' GROUP BY minute, farm, server, app, worker_pid)`);
    await waitFor('the shop requests in the rollup', async () => (await requests('shop')) === ok, 30_000);
    await waitFor('the broken requests in the rollup', async () => (await requests('broken')) === failed, 30_000);

    // Exact, and not more: the SERVER spans and the status rollup agree with what the clients saw.
    expect(await db.count(`SELECT count() FROM spans WHERE kind = 2 AND app = 'shop' AND http_status = 200`)).toBe(ok);
    const byStatus = await db.rows<{ app: string; http_status: number; substatus: number; n: string }>(
      `SELECT app, http_status, substatus, sum(requests) AS n FROM status_1m GROUP BY app, http_status, substatus ORDER BY app`);
    expect(byStatus.map((r) => ({ ...r, n: Number(r.n) }))).toEqual([
      { app: 'broken', http_status: 503, substatus: 1002, n: failed },
      { app: 'shop', http_status: 200, substatus: 0, n: ok },
    ]);
    // Each request's children arrived too, under the same trace.
    expect(await db.count(`SELECT count() FROM spans WHERE app = 'shop' AND name = 'dispatch'`)).toBe(ok);
    expect(await db.count(`SELECT uniqExact(trace_id) FROM spans WHERE app = 'shop' AND name = 'dispatch'
      AND trace_id IN (SELECT trace_id FROM spans WHERE kind = 2 AND app = 'shop')`)).toBe(ok);

    // Both shop workers' cold starts, and host memory samples, reached their tables.
    await waitFor('the cold starts', async () => (await db.count(
      `SELECT count() FROM worker_events WHERE app = 'shop' AND event = 'start'`)) === 2, 30_000);
    await waitFor('host memory samples', async () => (await db.count(
      `SELECT count() FROM metrics WHERE name = 'process.memory.usage' AND farm = 'test'`)) > 0, 30_000);
  }, 120_000);
});
