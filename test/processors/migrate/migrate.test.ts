import { cpSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isNodefarmError } from '../../../host/errors.ts';
import { createMigrator } from '../../../processors/migrate/index.ts';
import { migrateDefaults } from '../../../processors/migrate/config.ts';
import type { SqlExecutor } from '../../../processors/migrate/sql-executor.ts';
import { currentEngine, server1816, clickhouseExecutor } from './engines.ts';
import type { TestDatabase } from './engines.ts';

const BASE = ['0001_spans', '0002_worker_events', '0003_metrics', '0004_request_rollups', '0005_worker_rollups',
  '0006_memory_rollup'];
const OVERLAY = ['0007_overlay_low_cardinality', '0008_overlay_codecs', '0009_overlay_ttl', '0010_overlay_skip_indexes',
  '0011_overlay_otel_traces_view', '0012_overlay_trace_id_ts'];
const TABLES = ['spans', 'worker_events', 'metrics', 'requests_1m', 'status_1m', 'worker_starts_1m', 'worker_exits_1m',
  'memory_1m'];

const quick = { lockPollMs: 50, lockWaitMs: 20_000 };

async function tableNames(ex: SqlExecutor): Promise<string[]> {
  const rows = await ex.rows<{ name: string }>(`SELECT name FROM system.tables WHERE database = '${ex.database}' ORDER BY name`);
  return rows.map((r) => r.name);
}

async function appliedCounts(ex: SqlExecutor): Promise<Record<string, number>> {
  const rows = await ex.rows<{ name: string; n: string }>(
    "SELECT name, count() AS n FROM schema_migrations WHERE status = 'applied' GROUP BY name ORDER BY name");
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.n)]));
}

describe('Migrator', () => {
  const old = server1816();
  const current = currentEngine();
  const opened: TestDatabase[] = [];
  const tempDirs: string[] = [];
  const open = async (engine = old): Promise<TestDatabase> => {
    const db = await engine.open('nf_migrate');
    opened.push(db);
    return db;
  };
  const copyMigrations = (): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nf-migrations-'));
    tempDirs.push(dir);
    cpSync(migrateDefaults.migrationsDir, dir, { recursive: true });
    return dir;
  };

  afterAll(async () => {
    for (const db of opened) await db.cleanup();
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
    await current.close();
  });

  it('applies the portable base and records the overlay as skipped on ClickHouse 18.16', async () => {
    const { ex } = await open();
    const report = await createMigrator({ database: ex.database, ...quick }, ex).migrate();
    expect(report.serverVersion).toMatch(/^18\.16\./);
    expect(report.applied).toEqual(BASE);
    expect(report.skipped).toEqual(OVERLAY);
    expect(await tableNames(ex)).toEqual(expect.arrayContaining(TABLES));
    const skipped = await ex.rows<{ name: string }>(
      "SELECT name FROM schema_migrations WHERE status = 'skipped' ORDER BY name");
    expect(skipped.map((r) => r.name)).toEqual(OVERLAY);
  });

  it('applies nothing when run again', async () => {
    const { ex } = await open();
    const migrator = createMigrator({ database: ex.database, ...quick }, ex);
    await migrator.migrate();
    const again = await migrator.migrate();
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toEqual(BASE);
    expect(Object.values(await appliedCounts(ex))).toEqual(BASE.map(() => 1));
    const skippedRows = await ex.rows<{ n: string }>("SELECT count() AS n FROM schema_migrations WHERE status = 'skipped'");
    expect(Number(skippedRows[0]?.n)).toBe(OVERLAY.length);
  });

  it('applies the base and the overlay on a current ClickHouse', async () => {
    const { ex } = await open(current);
    const report = await createMigrator({ database: ex.database, ...quick }, ex).migrate();
    expect(report.applied).toEqual([...BASE, ...OVERLAY]);
    expect(report.skipped).toEqual([]);
    expect(await tableNames(ex)).toEqual(expect.arrayContaining([...TABLES, 'otel_traces', 'otel_traces_trace_id_ts']));
    const again = await createMigrator({ database: ex.database, ...quick }, ex).migrate();
    expect(again.applied).toEqual([]);
  });

  it('applies a skipped overlay once the server is new enough', async () => {
    const { ex } = await open(current);
    // The same engine first reports an old version, as a server before its upgrade would.
    const before: SqlExecutor = { ...ex, rows: <T>(sql: string) => (sql.includes('version()')
      ? Promise.resolve([{ v: '18.16.1' }] as T[]) : ex.rows<T>(sql)) };
    const first = await createMigrator({ database: ex.database, ...quick }, before).migrate();
    expect(first.skipped).toEqual(OVERLAY);
    const afterUpgrade = await createMigrator({ database: ex.database, ...quick }, ex).migrate();
    expect(afterUpgrade.applied).toEqual(OVERLAY);
    const status = await createMigrator({ database: ex.database }, ex).status();
    expect(status.migrations.every((m) => m.state === 'applied')).toBe(true);
  });

  it('refuses an applied migration whose file changed, naming the file, and applies nothing', async () => {
    const { ex } = await open();
    const dir = copyMigrations();
    await createMigrator({ database: ex.database, migrationsDir: dir, ...quick }, ex).migrate();
    appendFileSync(path.join(dir, '0003_metrics.sql'), '\n-- edited\n');
    writeFileSync(path.join(dir, '0013_extra.sql'), 'CREATE TABLE IF NOT EXISTS extra (x UInt8) ENGINE = MergeTree ORDER BY x;\n');
    const err = await createMigrator({ database: ex.database, migrationsDir: dir, ...quick }, ex).migrate()
      .then(() => undefined, (e: unknown) => e);
    expect(isNodefarmError(err) && err.code).toBe('MIGRATE_CHECKSUM_MISMATCH');
    expect((err as Error).message).toContain('0003_metrics.sql');
    expect(await tableNames(ex)).not.toContain('extra');
    // The refused run released its lock: a run with the file restored goes through at once.
    const status = await createMigrator({ database: ex.database, migrationsDir: dir }, ex).status();
    expect(status.migrations.find((m) => m.name === '0003_metrics')?.state).toBe('changed');
  });

  it('reports a failing statement with the file and statement number', async () => {
    const { ex } = await open();
    const dir = mkdtempSync(path.join(tmpdir(), 'nf-migrations-'));
    tempDirs.push(dir);
    writeFileSync(path.join(dir, '0001_ok.sql'), 'CREATE TABLE IF NOT EXISTS ok (x UInt8) ENGINE = MergeTree ORDER BY x;\n');
    writeFileSync(path.join(dir, '0002_bad.sql'), "SELECT 1;\nSELECT 'a;b' FROM no_such_table;\n");
    const err = await createMigrator({ database: ex.database, migrationsDir: dir, ...quick }, ex).migrate()
      .then(() => undefined, (e: unknown) => e);
    expect(isNodefarmError(err) && err.code).toBe('MIGRATE_STATEMENT_FAILED');
    expect((err as Error).message).toMatch(/0002_bad\.sql, statement 2 of 2/);
    expect(await appliedCounts(ex)).toEqual({ '0001_ok': 1 });
  });

  it('applies each migration once when two migrators race on the same database', async () => {
    const { ex } = await open();
    // Separate connections, as two `nodefarm migrate` processes would have.
    const other = clickhouseExecutor(ex.database);
    try {
      const [a, b] = await Promise.all([
        createMigrator({ database: ex.database, ...quick }, ex).migrate(),
        createMigrator({ database: ex.database, ...quick }, other).migrate(),
      ]);
      expect([...a.applied, ...b.applied].sort()).toEqual(BASE);
      expect([a.applied.length, b.applied.length].sort()).toEqual([0, BASE.length]);
      expect(await appliedCounts(ex)).toEqual(Object.fromEntries(BASE.map((n) => [n, 1])));
    } finally {
      await other.close();
    }
  });
});
