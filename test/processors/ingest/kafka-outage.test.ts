import { createIngester } from '../../../processors/ingest/index.ts';
import type { Ingester } from '../../../processors/ingest/index.ts';
import type { Gateway } from '../../../processors/gateway/index.ts';
import type { KafkaTopics } from '../../../processors/kafka/config.ts';
import { silentLog } from '../../../processors/kafka/log-sink.ts';
import { uniqueName } from '../../support/services.ts';
import {
  createTestDatabase, createTestTopics, exportSpans, makeSpans, rollupRequests, spanCounts, startGateway, waitFor,
} from './ingest-fixture.ts';
import type { TestDatabase } from './ingest-fixture.ts';
import { ownKafka } from './own-services.ts';
import type { OwnService } from './own-services.ts';

let kafka: OwnService | undefined;
let db: TestDatabase | undefined;
let gateway: Gateway | undefined;
let ingester: Ingester | undefined;

afterAll(async () => {
  await ingester?.shutdown();
  await gateway?.shutdown(1000);
  await db?.drop();
  await kafka?.destroy();
}, 60_000);

describe('Ingester with the Kafka broker killed', () => {
  it('keeps going after the broker is killed mid-stream and restarted, storing every span once', async () => {
    kafka = await ownKafka();
    await kafka.start();
    const brokers = [kafka.address];
    db = await createTestDatabase();
    const topics: KafkaTopics = await createTestTopics(3, brokers);
    const gw = await startGateway(topics, brokers);
    gateway = gw.gateway;
    // A backlog, consumed in small batches so that the kill lands while batches are being stored and committed.
    await exportSpans(gw.url, makeSpans({ requests: 600, lifecycle: true }));
    ingester = createIngester({
      log: silentLog, groupId: uniqueName('in_group'),
      kafka: { brokers, topics, createTopics: false, requestTimeoutMs: 3000, connectionTimeoutMs: 1000 },
      clickhouse: { url: db.url, database: db.database },
      batching: { flushIntervalMs: 100, maxBatchRows: 30 },
      retry: { initialBackoffMs: 100, maxBackoffMs: 1000 },
      sessionTimeoutMs: 6000, heartbeatIntervalMs: 500, retentionDays: 0,
    });
    await ingester.start();
    await waitFor('the first rows', async () => (await db!.count('SELECT count() FROM spans')) > 0, 20_000, 20);
    await kafka.kill();
    const atKill = await db.count('SELECT count() FROM spans');

    await kafka.start(true);
    await waitFor('the gateway to reconnect', async () => (await fetch(`${gw.url}/readyz`)).status === 200, 30_000);
    await exportSpans(gw.url, makeSpans({ requests: 200 }));
    await waitFor('every span', async () => (await db!.count('SELECT count() FROM spans')) >= 802, 45_000);
    await waitFor('the buffer to drain', async () => ingester!.stats().bufferedRecords === 0);

    expect(atKill).toBeLessThan(602); // the kill landed while the backlog was being stored
    expect(await spanCounts(db)).toEqual({ rows: 802, distinct: 802 });
    expect(await rollupRequests(db)).toBe(800);
    expect(await db.count('SELECT sum(exits) FROM worker_exits_1m')).toBe(1);
    // The consumer rejoined the group after the broker came back, and re-read what it had not committed.
    expect(ingester.stats().rebalances).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
