import { NodefarmError } from '../../host/errors.ts';
import type { MigrationFile } from './load-migrations.ts';
import { acquireLock } from './migration-lock.ts';
import type { LockOptions } from './migration-lock.ts';
import { ensureBookkeeping, readRecords, recordMigration } from './migrations-table.ts';
import type { MigrationRecord } from './migrations-table.ts';
import { parseVersion, versionAtLeast } from './server-version.ts';
import type { SqlExecutor } from './sql-executor.ts';

/** What one `migrate` run did. */
export interface MigrateReport {
  readonly database: string;
  readonly serverVersion: string;
  /** Migrations applied by this run, by name. */
  readonly applied: string[];
  /** Migrations recorded as skipped by this run or still skipped (server older than their `requires`). */
  readonly skipped: string[];
  /** Migrations that were already applied before this run. */
  readonly alreadyApplied: string[];
}

/** A lifecycle event for structured logs; the migrator emits a handful per run, never per row. */
export type MigrateLog = (event: string, fields: Readonly<Record<string, string | number>>) => void;

/**
 * Applies every pending migration in order, under the migration lock. A migration whose `requires` version
 * is newer than the server is recorded as skipped and tried again on every later run, so upgrading the
 * server and re-running applies it. An applied migration whose file changed stops the run before anything
 * is applied (MIGRATE_CHECKSUM_MISMATCH).
 */
export async function runMigrations(ex: SqlExecutor, migrations: readonly MigrationFile[], lockOptions: LockOptions,
  log: MigrateLog = () => {}): Promise<MigrateReport> {
  await ex.ensureDatabase();
  await ensureBookkeeping(ex);
  const serverVersion = await readServerVersion(ex);
  const version = parseVersion(serverVersion) ?? [0];
  const lock = await acquireLock(ex, lockOptions);
  log('migrate.lock.acquired', { database: ex.database, owner: lock.owner });
  const report: MigrateReport = { database: ex.database, serverVersion, applied: [], skipped: [], alreadyApplied: [] };
  try {
    // Read the records only while holding the lock: a migrator that waited sees what the winner applied.
    const records = await readRecords(ex);
    verifyChecksums(ex.database, migrations, records);
    for (const migration of migrations) {
      const record = records.get(migration.id);
      if (record?.status === 'applied') {
        report.alreadyApplied.push(migration.name);
        continue;
      }
      if (migration.requires && !versionAtLeast(version, migration.requires)) {
        if (record?.status !== 'skipped' || record.checksum !== migration.checksum) {
          await recordMigration(ex, migration, 'skipped', serverVersion);
        }
        report.skipped.push(migration.name);
        log('migrate.skipped', { migration: migration.name, requires: migration.requiresText ?? '', server: serverVersion });
        continue;
      }
      await lock.renew();
      await applyMigration(ex, migration);
      await recordMigration(ex, migration, 'applied', serverVersion);
      report.applied.push(migration.name);
      log('migrate.applied', { migration: migration.name, statements: migration.statements.length });
    }
  } finally {
    // A failed release must not hide the run's own error; the lock then simply expires after its TTL.
    await lock.release().catch((err: unknown) => log('migrate.lock.release_failed', { error: firstLine(err) }));
  }
  return report;
}

/** Runs a migration's statements one by one (one per HTTP request). */
async function applyMigration(ex: SqlExecutor, migration: MigrationFile): Promise<void> {
  const count = migration.statements.length;
  for (const [i, statement] of migration.statements.entries()) {
    try {
      await ex.command(statement);
    } catch (err) {
      throw new NodefarmError('MIGRATE_STATEMENT_FAILED', {
        file: migration.file, index: i + 1, count, database: ex.database, error: firstLine(err),
      }, { cause: err });
    }
  }
}

function verifyChecksums(database: string, migrations: readonly MigrationFile[], records: Map<number, MigrationRecord>): void {
  for (const migration of migrations) {
    const record = records.get(migration.id);
    if (record?.status === 'applied' && record.checksum !== migration.checksum) {
      throw new NodefarmError('MIGRATE_CHECKSUM_MISMATCH', {
        file: migration.file, database, recorded: record.checksum.slice(0, 12), actual: migration.checksum.slice(0, 12),
      });
    }
  }
}

/** `SELECT version()`, e.g. "18.16.1" or "26.9.2.1". */
export async function readServerVersion(ex: SqlExecutor): Promise<string> {
  const rows = await ex.rows<{ v: string }>('SELECT version() AS v');
  return rows[0]?.v ?? '0';
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n')[0] ?? text).slice(0, 500);
}
