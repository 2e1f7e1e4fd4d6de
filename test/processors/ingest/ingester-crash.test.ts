import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Gateway } from '../../../processors/gateway/index.ts';
import type { KafkaTopics } from '../../../processors/kafka/config.ts';
import { KILL_AFTER_INSERTS_ENV } from '../../../processors/ingest/cli.ts';
import { kafkaBrokers, uniqueName } from '../../support/services.ts';
import {
  createTestDatabase, createTestTopics, deleteTopics, exportSpans, makeSpans, rollupRequests, spanCounts, startGateway,
  waitFor,
} from './ingest-fixture.ts';
import type { TestDatabase } from './ingest-fixture.ts';

const cli = path.resolve(import.meta.dirname, '../../../processors/ingest/cli.ts');

interface Child { proc: ChildProcess; stderr: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }

/** Runs `nodefarm ingest` the way bin/nodefarm.js does: import the module, call run(args), exit with its code. */
function ingestProcess(args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const proc = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', '--input-type=module', '-e',
    'const m = await import(process.argv[1]); process.exitCode = await m.run(process.argv.slice(2));', cli, ...args],
  { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return { proc, stderr: () => stderr, exited };
}

/** The spans partitions an ingester process holds, from its last "partitions assigned" log line. */
function spansPartitions(stderr: string, topic: string): number[] {
  const lines = stderr.split('\n').filter((l) => l.includes('"partitions assigned"'));
  const last = lines[lines.length - 1];
  if (!last) return [];
  const entry = JSON.parse(last) as { assignment: Record<string, number[]> };
  return entry.assignment[topic] ?? [];
}

let db: TestDatabase | undefined;
let topics: KafkaTopics | undefined;
let gateway: Gateway | undefined;
const children: Child[] = [];

afterAll(async () => {
  for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
  await gateway?.shutdown(1000);
  if (topics) await deleteTopics(topics);
  await db?.drop();
});

describe('nodefarm ingest', () => {
  it('stores nothing twice when killed after an insert and before the commit, then restarted', async () => {
    db = await createTestDatabase();
    topics = await createTestTopics(3);
    const gw = await startGateway(topics);
    gateway = gw.gateway;
    // A backlog of 400 single-span traces (400 records) and a lifecycle trace, read in batches of ~50 rows.
    await exportSpans(gw.url, makeSpans({ requests: 400, lifecycle: true }));
    const args = [
      '--brokers', kafkaBrokers().join(','), '--spans-topic', topics.spans, '--metrics-topic', topics.metrics,
      '--dead-letter-topic', topics.deadLetter, '--no-create-topics', '--group-id', uniqueName('in_group'),
      '--clickhouse-url', db.url, '--database', db.database, '--max-batch-rows', '50', '--flush-interval-ms', '200',
      '--session-timeout-ms', '6000', '--heartbeat-interval-ms', '500', '--retention-days', '0',
    ];

    const first = ingestProcess(args, { [KILL_AFTER_INSERTS_ENV]: '1' });
    children.push(first);
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const stored = await db.count('SELECT count() FROM spans');
    expect(stored).toBeGreaterThan(0); // the first batch is in ClickHouse, and no offset was committed

    const second = ingestProcess(args);
    children.push(second);
    await waitFor('every span', async () => (await db!.count('SELECT count() FROM spans')) >= 402, 40_000);
    // Let it commit, then stop it the way an orchestrator does.
    await new Promise((r) => setTimeout(r, 1000));
    second.proc.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    const stopped = second.stderr().split('\n').filter((l) => l.includes('"ingester stopped"'));
    expect(stopped).toHaveLength(1);
    const summary = JSON.parse(stopped[0] as string) as { alreadyStoredDropped: number; rowsInserted: { spans: number } };
    expect(summary.alreadyStoredDropped).toBeGreaterThanOrEqual(stored);
    expect(summary.rowsInserted.spans).toBe(402 - stored);

    expect(await spanCounts(db)).toEqual({ rows: 402, distinct: 402 });
    expect(await rollupRequests(db)).toBe(400);
    expect(await db.count('SELECT sum(s) FROM (SELECT countMerge(starts) AS s FROM worker_starts_1m GROUP BY minute)')).toBe(1);
    expect(await db.count('SELECT sum(exits) FROM worker_exits_1m')).toBe(1);
  });

  it('lets a second ingester of the group take over from one that was killed, then share again, storing each span once', async () => {
    const database = await createTestDatabase();
    const own = await createTestTopics(4);
    const gw = await startGateway(own);
    try {
      const args = [
        '--brokers', kafkaBrokers().join(','), '--spans-topic', own.spans, '--metrics-topic', own.metrics,
        '--dead-letter-topic', own.deadLetter, '--no-create-topics', '--group-id', uniqueName('in_group'),
        '--clickhouse-url', database.url, '--database', database.database, '--max-batch-rows', '40', '--flush-interval-ms', '100',
        '--session-timeout-ms', '6000', '--heartbeat-interval-ms', '500', '--retention-days', '0',
      ];
      const a = ingestProcess(args);
      const b = ingestProcess(args, { [KILL_AFTER_INSERTS_ENV]: '3' });
      children.push(a, b);
      // Data flows only once both hold spans partitions, so that B has batches to store before it is killed.
      await waitFor('both ingesters to share the spans partitions', async () => {
        const held = [a, b].map((c) => spansPartitions(c.stderr(), own.spans));
        return held[0]!.length > 0 && held[1]!.length > 0 && held[0]!.length + held[1]!.length === 4;
      }, 30_000);
      await exportSpans(gw.url, makeSpans({ requests: 500, lifecycle: true }));
      expect(await b.exited).toEqual({ code: null, signal: 'SIGKILL' });
      await exportSpans(gw.url, makeSpans({ requests: 100 }));
      const b2 = ingestProcess(args);
      children.push(b2);
      await waitFor('every span', async () => (await database.count('SELECT count() FROM spans')) >= 602, 45_000);
      await new Promise((r) => setTimeout(r, 1000));
      a.proc.kill('SIGTERM');
      b2.proc.kill('SIGTERM');
      expect(await a.exited).toEqual({ code: 0, signal: null });
      expect(await b2.exited).toEqual({ code: 0, signal: null });
      expect(await spanCounts(database)).toEqual({ rows: 602, distinct: 602 });
      expect(await rollupRequests(database)).toBe(600);
      expect(await database.count('SELECT sum(exits) FROM worker_exits_1m')).toBe(1);
    } finally {
      await gw.gateway.shutdown(1000);
      await deleteTopics(own);
      await database.drop();
    }
  });
});
