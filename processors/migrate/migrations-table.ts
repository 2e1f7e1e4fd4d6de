import type { MigrationFile } from './load-migrations.ts';
import type { SqlExecutor } from './sql-executor.ts';
import { sqlString } from './sql-literal.ts';

/** Where applied and skipped migrations are recorded, in the migrated database itself. */
export const MIGRATIONS_TABLE = 'schema_migrations';
/** The lock log that keeps two migrators from applying at once (see migration-lock.ts). */
export const LOCK_TABLE = 'schema_migrations_lock';

/** A migration's recorded state: applied, or skipped because the server was too old for it. */
export interface MigrationRecord {
  readonly id: number;
  readonly name: string;
  readonly checksum: string;
  readonly status: 'applied' | 'skipped';
  readonly serverVersion: string;
  readonly appliedAt: string;
}

/** Creates the bookkeeping tables (portable DDL; both are tiny and never partitioned). */
export async function ensureBookkeeping(ex: SqlExecutor): Promise<void> {
  await ex.command(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
    id UInt32, name String, checksum String, status String, server_version String,
    applied_at DateTime('UTC'), recorded_ns UInt64
  ) ENGINE = ReplacingMergeTree(recorded_ns) ORDER BY id`);
  await ex.command(`CREATE TABLE IF NOT EXISTS ${LOCK_TABLE} (
    owner String, action String, at_ms UInt64, expires_ms UInt64
  ) ENGINE = MergeTree ORDER BY (at_ms, owner)`);
}

interface Row { id: number | string; name: string; checksum: string; status: string; server_version: string; applied_at: string; recorded_ns: string }

/**
 * Reads the state of every recorded migration. A migration is recorded more than once when it was skipped
 * first and applied after an upgrade: an `applied` row wins over `skipped`, and the newest row wins otherwise.
 */
export async function readRecords(ex: SqlExecutor): Promise<Map<number, MigrationRecord>> {
  const rows = await ex.rows<Row>(`SELECT id, name, checksum, status, server_version, applied_at, recorded_ns
    FROM ${MIGRATIONS_TABLE} ORDER BY recorded_ns`);
  const records = new Map<number, MigrationRecord>();
  for (const row of rows) {
    const record: MigrationRecord = {
      id: Number(row.id),
      name: row.name,
      checksum: row.checksum,
      status: row.status === 'applied' ? 'applied' : 'skipped',
      serverVersion: row.server_version,
      appliedAt: row.applied_at,
    };
    const prev = records.get(record.id);
    if (prev?.status === 'applied' && record.status !== 'applied') continue;
    records.set(record.id, record);
  }
  return records;
}

let lastNs = 0n;

/** Records that `migration` was applied or skipped on a server of `serverVersion`. */
export async function recordMigration(ex: SqlExecutor, migration: MigrationFile, status: MigrationRecord['status'],
  serverVersion: string): Promise<void> {
  // Strictly increasing within this process, so two records made in the same millisecond still order.
  let ns = BigInt(Date.now()) * 1_000_000n;
  if (ns <= lastNs) ns = lastNs + 1n;
  lastNs = ns;
  await ex.command(`INSERT INTO ${MIGRATIONS_TABLE} (id, name, checksum, status, server_version, applied_at, recorded_ns)
    SELECT ${migration.id}, ${sqlString(migration.name)}, ${sqlString(migration.checksum)}, ${sqlString(status)},
      ${sqlString(serverVersion)}, now(), ${ns.toString()}`);
}
