import { createMigrator } from '../../../processors/migrate/index.ts';
import type { SqlExecutor } from '../../../processors/migrate/sql-executor.ts';
import { createRetention } from '../../../processors/retention/index.ts';
import { shiftDays } from '../../../processors/retention/drop-old-partitions.ts';
import { currentEngine, insertRows, server1816 } from './engines.ts';
import type { Engine, TestDatabase } from './engines.ts';

const DAY = 86_400;
const now = Math.floor(Date.now() / 1000);
const yyyymmdd = (second: number): string => new Date(second * 1000).toISOString().slice(0, 10).replace(/-/g, '');

function serverSpan(second: number, id: string): object {
  return { start_time: second, start_time_ns: `${second}000000000`, duration_ns: '1000', trace_id: id.padStart(32, '0'),
    span_id: id.padStart(16, '0'), name: 'GET /', kind: 2, farm: 'f1', server: 'web1', app: 'shop', worker_pid: 1,
    http_status: 200 };
}

async function partitions(ex: SqlExecutor, table: string): Promise<string[]> {
  const rows = await ex.rows<{ p: string }>(`SELECT DISTINCT partition_id AS p FROM system.parts
    WHERE database = '${ex.database}' AND table = '${table}' AND active ORDER BY p`);
  return rows.map((r) => r.p);
}

const engines: Engine[] = [server1816(), currentEngine()];

describe.each(engines.map((e) => [e.name, e] as const))('Retention on %s', (_name, engine) => {
  let db: TestDatabase;
  let ex: SqlExecutor;
  const oldDay = yyyymmdd(now - 10 * DAY);
  const newDay = yyyymmdd(now);

  beforeAll(async () => {
    db = await engine.open('nf_retention');
    ex = db.ex;
    await createMigrator({ database: ex.database, lockPollMs: 50 }, ex).migrate();
    await insertRows(ex, 'spans', [serverSpan(now - 10 * DAY, 'a1'), serverSpan(now - 60, 'a2')]);
  });

  afterAll(async () => {
    await db.cleanup();
    await engine.close();
  });

  it('drops the partitions older than the horizon and keeps the recent ones', async () => {
    expect(await partitions(ex, 'spans')).toEqual([oldDay, newDay]);
    const report = await createRetention(ex, { days: 7 }).runOnce();
    // The overlay's trace-id lookup (current engine only) is a daily-partitioned raw table as well.
    const expected = [{ table: 'spans', partition: oldDay }];
    if (engine.current) expected.unshift({ table: 'otel_traces_trace_id_ts', partition: oldDay });
    expect(report.dropped).toEqual(expected);
    expect(await partitions(ex, 'spans')).toEqual([newDay]);
    const [left] = await ex.rows<{ n: string }>('SELECT count() AS n FROM spans');
    expect(Number(left?.n)).toBe(1);
  });

  it('keeps rollups for their own, longer horizon', async () => {
    expect(await partitions(ex, 'requests_1m')).toEqual([oldDay, newDay]);
    const report = await createMigrator({ database: ex.database }, ex).retention(7);
    expect(report.dropped).toEqual([]);
    const dropped = await createRetention(ex, { days: 7, tableDays: { requests_1m: 5 } }).runOnce();
    expect(dropped.dropped).toContainEqual({ table: 'requests_1m', partition: oldDay });
    expect(await partitions(ex, 'requests_1m')).toEqual([newDay]);
  });
});

describe('Retention', () => {
  it('counts whole UTC days back across month and year ends', () => {
    expect(shiftDays(20260301, -1)).toBe(20260228);
    expect(shiftDays(20240301, -1)).toBe(20240229);
    expect(shiftDays(20260105, -10)).toBe(20251226);
  });

  it('refuses a horizon that is not a whole number of days', () => {
    const ex = {} as SqlExecutor;
    expect(() => createRetention(ex, { days: 0 })).toThrow(/days is invalid/);
    expect(() => createRetention(ex, { days: 1.5 })).toThrow(/days is invalid/);
  });
});
