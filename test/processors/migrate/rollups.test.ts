import { createMigrator } from '../../../processors/migrate/index.ts';
import type { SqlExecutor } from '../../../processors/migrate/sql-executor.ts';
import { currentEngine, insertRows, server1816 } from './engines.ts';
import type { Engine, TestDatabase } from './engines.ts';
import { MINUTE, metricBatches, spanBatches, workerEventBatches } from './known-rows.ts';

const engines: Engine[] = [server1816(), currentEngine()];
const at = (second: number): string => `toDateTime(${second}, 'UTC')`;

describe.each(engines.map((e) => [e.name, e] as const))('Rollups on %s', (_name, engine) => {
  let db: TestDatabase;
  let ex: SqlExecutor;

  beforeAll(async () => {
    db = await engine.open('nf_rollups');
    ex = db.ex;
    await createMigrator({ database: ex.database, lockPollMs: 50 }, ex).migrate();
    for (const batch of spanBatches) await insertRows(ex, 'spans', batch);
    for (const batch of workerEventBatches) await insertRows(ex, 'worker_events', batch);
    for (const batch of metricBatches) await insertRows(ex, 'metrics', batch);
  });

  afterAll(async () => {
    await db.cleanup();
    await engine.close();
  });

  it('counts requests, errors and pipe retries per minute and worker pid exactly', async () => {
    const rows = await ex.rows<Record<string, string | number>>(`SELECT toUInt32(minute) AS m, worker_pid,
        countMerge(requests) AS requests, countIfMerge(client_errors) AS client_errors,
        countIfMerge(server_errors) AS server_errors, sumMerge(duration_sum) AS duration_sum,
        maxMerge(duration_max) AS duration_max, countIfMerge(retried) AS retried, sumMerge(pipe_retries) AS pipe_retries
      FROM requests_1m WHERE farm = 'f1' AND server = 'web1' AND app = 'shop'
      GROUP BY m, worker_pid ORDER BY m, worker_pid`);
    expect(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])))).toEqual([
      { m: MINUTE, worker_pid: 101, requests: 11, client_errors: 1, server_errors: 3, duration_sum: 66e6, duration_max: 11e6,
        retried: 2, pipe_retries: 3 },
      { m: MINUTE, worker_pid: 102, requests: 3, client_errors: 0, server_errors: 0, duration_sum: 600e6, duration_max: 300e6,
        retried: 0, pipe_retries: 0 },
      { m: MINUTE + 60, worker_pid: 101, requests: 2, client_errors: 0, server_errors: 0, duration_sum: 10e6,
        duration_max: 5e6, retried: 0, pipe_retries: 0 },
    ]);
  });

  it('keeps latency quantile states that merge across inserts', async () => {
    const [row] = await ex.rows<{ q: number[] }>(`SELECT quantilesTDigestMerge(0.5, 0.9, 0.99)(latency) AS q
      FROM requests_1m WHERE app = 'shop' AND worker_pid = 101 AND minute = ${at(MINUTE)}`);
    const [p50, p90, p99] = (row?.q ?? []).map(Number);
    // 11 requests of 1..11 ms: the median is about 6 ms, the tail about 10–11 ms (t-digest is approximate).
    expect(p50).toBeGreaterThanOrEqual(5e6);
    expect(p50).toBeLessThanOrEqual(7e6);
    expect(p90).toBeGreaterThanOrEqual(9e6);
    expect(p99).toBeLessThanOrEqual(11e6);
  });

  it('counts failures by status and substatus', async () => {
    const rows = await ex.rows<{ http_status: number; substatus: number; n: string }>(`SELECT http_status, substatus,
        sum(requests) AS n FROM status_1m WHERE app = 'shop' AND minute = ${at(MINUTE)} AND http_status >= 400
      GROUP BY http_status, substatus ORDER BY http_status, substatus`);
    expect(rows.map((r) => `${r.http_status}.${r.substatus}=${Number(r.n)}`)).toEqual(['404.0=1', '500.1002=2', '503.1000=1']);
    const [all] = await ex.rows<{ n: string }>(`SELECT sum(requests) AS n FROM status_1m WHERE app = 'shop'`);
    expect(Number(all?.n)).toBe(16);
  });

  it('counts cold starts and exits by reason', async () => {
    const [starts] = await ex.rows<Record<string, string | number>>(`SELECT countMerge(starts) AS starts,
        sumMerge(cold_start_ms_sum) AS sum_ms, maxMerge(cold_start_ms_max) AS max_ms
      FROM worker_starts_1m WHERE app = 'shop' AND minute = ${at(MINUTE)}`);
    expect([Number(starts?.starts), Number(starts?.sum_ms), Number(starts?.max_ms)]).toEqual([2, 600, 350]);
    const exits = await ex.rows<Record<string, string>>(`SELECT reason, sum(exits) AS exits, sum(uptime_ms) AS uptime_ms,
        sum(requests_served) AS served FROM worker_exits_1m WHERE app = 'shop' GROUP BY reason ORDER BY reason`);
    expect(exits.map((r) => [r.reason, Number(r.exits), Number(r.uptime_ms), Number(r.served)])).toEqual([
      ['crash', 2, 6000, 10],
      ['memory-limit', 1, 60000, 500],
    ]);
  });

  it('keeps max and average RSS per minute and worker pid', async () => {
    const rows = await ex.rows<Record<string, number | string>>(`SELECT worker_pid, maxMerge(rss_max) AS max_rss,
        avgMerge(rss_avg) AS avg_rss FROM memory_1m WHERE app = 'shop' AND minute = ${at(MINUTE)}
      GROUP BY worker_pid ORDER BY worker_pid`);
    expect(rows.map((r) => [Number(r.worker_pid), Number(r.max_rss), Number(r.avg_rss)])).toEqual([
      [0, 50e6, 50e6],
      [101, 200e6, 150e6],
    ]);
  });

  it('stores worker exits with a null exit code when a signal ended the process', async () => {
    const rows = await ex.rows<{ exit_code: number | null; signal: string }>(
      "SELECT exit_code, signal FROM worker_events WHERE reason = 'memory-limit'");
    expect(rows).toEqual([{ exit_code: null, signal: 'SIGKILL' }]);
  });
});
