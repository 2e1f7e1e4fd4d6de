import { createIngester } from '../../../processors/ingest/index.ts';
import type { Ingester, IngesterOptions } from '../../../processors/ingest/index.ts';
import type { Gateway } from '../../../processors/gateway/index.ts';
import type { KafkaTopics } from '../../../processors/kafka/config.ts';
import { silentLog } from '../../../processors/kafka/log-sink.ts';
import { kafkaBrokers, uniqueName } from '../../support/services.ts';
import {
  createTestDatabase, createTestTopics, deleteTopics, exportSpans, makeSpans, rollupRequests, spanCounts, startGateway,
  waitFor,
} from './ingest-fixture.ts';
import type { TestDatabase } from './ingest-fixture.ts';

let db: TestDatabase | undefined;
let topics: KafkaTopics | undefined;
let gateway: Gateway | undefined;
const ingesters: Ingester[] = [];

afterAll(async () => {
  for (const i of ingesters) await i.shutdown();
  await gateway?.shutdown(1000);
  if (topics) await deleteTopics(topics);
  await db?.drop();
});

describe('Two ingesters in one group', () => {
  it('share the partitions and lose or duplicate nothing while one of them restarts mid-stream', async () => {
    db = await createTestDatabase();
    topics = await createTestTopics(4);
    const gw = await startGateway(topics);
    gateway = gw.gateway;
    const options: IngesterOptions = {
      log: silentLog,
      groupId: uniqueName('in_group'),
      kafka: { brokers: kafkaBrokers(), topics, createTopics: false },
      clickhouse: { url: db.url, database: db.database },
      batching: { flushIntervalMs: 100, maxBatchRows: 40 },
      sessionTimeoutMs: 6000, heartbeatIntervalMs: 300, retentionDays: 0,
    };
    const start = async (): Promise<Ingester> => {
      const i = createIngester(options);
      ingesters.push(i);
      await i.start();
      return i;
    };
    const a = await start();
    let b = await start();
    await waitFor('both to hold partitions', async () =>
      Object.keys(a.stats().lag).length > 0 && Object.keys(b.stats().lag).length > 0
      && Object.keys(a.stats().lag).length + Object.keys(b.stats().lag).length === 8, 30_000);

    let sent = 0;
    const wave = async (n: number): Promise<void> => { await exportSpans(gw.url, makeSpans({ requests: n }), 50); sent += n; };
    await wave(300);
    await waitFor('the first wave to be spread', async () => b.stats().rowsInserted.spans > 0 && a.stats().rowsInserted.spans > 0);

    // B leaves while a wave is flowing (A takes its partitions), and comes back while the next one flows.
    const flowing = wave(300);
    await b.shutdown();
    await flowing;
    const again = wave(300);
    b = await start();
    await again;
    await wave(100);

    const state = async (): Promise<string> => JSON.stringify({ counts: await spanCounts(db!), sent, stats: ingesters.map((i) => i.stats()) });
    await waitFor('every span', async () => (await db!.count('SELECT count() FROM spans')) >= sent, 40_000)
      .catch(async (err: unknown) => { throw new Error(`${String(err)}: ${await state()}`); });
    await waitFor('the buffers to drain', async () => a.stats().bufferedRecords === 0 && b.stats().bufferedRecords === 0);
    expect({ counts: await spanCounts(db), state: await state() }).toMatchObject({ counts: { rows: sent, distinct: sent } });
    expect(await rollupRequests(db)).toBe(sent);
    const total = ingesters.reduce((n, i) => n + i.stats().rowsInserted.spans, 0);
    expect(total).toBe(sent);
  });
});
