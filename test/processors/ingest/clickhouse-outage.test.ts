import { createIngester } from '../../../processors/ingest/index.ts';
import type { Ingester } from '../../../processors/ingest/index.ts';
import type { Gateway } from '../../../processors/gateway/index.ts';
import type { KafkaTopics } from '../../../processors/kafka/config.ts';
import { silentLog } from '../../../processors/kafka/log-sink.ts';
import { kafkaBrokers, uniqueName } from '../../support/services.ts';
import {
  createTestDatabase, createTestTopics, deleteTopics, exportSpans, makeSpans, rollupRequests, spanCounts, startGateway,
  testKafka, waitFor,
} from './ingest-fixture.ts';
import type { TestDatabase } from './ingest-fixture.ts';
import { ownClickHouse } from './own-services.ts';
import type { OwnService } from './own-services.ts';

// ClickHouse is down for 8 s rather than 30 s: what the test checks (failed inserts, paused consumption, capped
// backoff with jitter, no commit) is reached on the first failed attempt, and with the backoff capped at 1 s
// 8 s covers several retries at the cap. A longer outage exercises nothing more and would cost 22 s of suite time.
const OUTAGE_MS = 8_000;

let clickhouse: OwnService | undefined;
let db: TestDatabase | undefined;
let topics: KafkaTopics | undefined;
let gateway: Gateway | undefined;
let ingester: Ingester | undefined;

afterAll(async () => {
  await ingester?.shutdown();
  await gateway?.shutdown(1000);
  if (topics) await deleteTopics(topics);
  await db?.drop();
  await clickhouse?.destroy();
});

/** Records in `topic` (the sum of its partitions' high watermarks). */
async function stored(topic: string): Promise<number> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

async function committed(groupId: string, topic: string): Promise<number> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (t?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

describe('Ingester with ClickHouse down', () => {
  it('pauses, retries without committing while ClickHouse is stopped, and stores everything once when it is back', async () => {
    clickhouse = await ownClickHouse();
    await clickhouse.start();
    db = await createTestDatabase(clickhouse.address);
    topics = await createTestTopics(3);
    const gw = await startGateway(topics);
    gateway = gw.gateway;
    const groupId = uniqueName('in_group');
    ingester = createIngester({
      log: silentLog, groupId,
      kafka: { brokers: kafkaBrokers(), topics, createTopics: false },
      clickhouse: { url: db.url, database: db.database, requestTimeoutMs: 3000 },
      batching: { flushIntervalMs: 200, maxBatchRows: 50, maxBufferRows: 100 },
      retry: { initialBackoffMs: 100, maxBackoffMs: 1000 },
      sessionTimeoutMs: 6000, heartbeatIntervalMs: 500, retentionDays: 0,
    });
    await ingester.start();

    await exportSpans(gw.url, makeSpans({ requests: 100, lifecycle: true }));
    await waitFor('the first wave', async () => (await db!.count('SELECT count() FROM spans')) === 102);
    await waitFor('its commit', async () => (await committed(groupId, topics!.spans)) > 0 && ingester!.stats().bufferedRecords === 0);
    const before = await committed(groupId, topics.spans);

    await clickhouse.stop();
    const down = Date.now();
    await exportSpans(gw.url, makeSpans({ requests: 200, lifecycle: true }));
    await waitFor('failed attempts', async () => ingester!.stats().retries >= 3, 20_000);
    expect(ingester.stats().paused).toBe(true);
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - down))));
    expect(await committed(groupId, topics.spans)).toBe(before);
    // Backpressure: the buffer stays within its bound (plus the one record that filled it; a record holds a
    // partition's share of an export, at most the 204 rows of this wave) and the rest of the wave waits in Kafka.
    const during = ingester.stats();
    expect(during.bufferedRows).toBeLessThanOrEqual(100 + 204);
    expect(during.bufferedRows).toBeGreaterThan(0);
    // Nothing of the wave is committed: every record of it is either in the buffer or still only in Kafka.
    // (The consumer's own lag figure is not used here: it only moves when a fetch arrives, and a consumer paused
    // by the first failed insert may not fetch the rest at all.)
    expect(await stored(topics.spans) - (await committed(groupId, topics.spans))).toBeGreaterThanOrEqual(during.bufferedRecords);
    const retries = ingester.stats().retries;
    expect(retries).toBeGreaterThanOrEqual(5);
    // Capped backoff: at most about one attempt per 0.5–1 s once at the cap, not a tight loop.
    expect(retries).toBeLessThan(40);

    await clickhouse.start(true);
    await waitFor('the second wave', async () => (await db!.count('SELECT count() FROM spans')) >= 304, 30_000);
    await waitFor('its commit', async () => (await committed(groupId, topics!.spans)) > before && ingester!.stats().bufferedRecords === 0);
    expect(await spanCounts(db)).toEqual({ rows: 304, distinct: 304 });
    expect(await rollupRequests(db)).toBe(300);
    expect(await db.count('SELECT sum(exits) FROM worker_exits_1m')).toBe(2);
    expect(ingester.stats().paused).toBe(false);
    // Paused longer than the session timeout, yet still a member: heartbeats continue while paused.
    expect(ingester.stats().rebalances).toBe(1);
  });
});
