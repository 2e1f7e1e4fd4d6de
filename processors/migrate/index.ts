import { createRetention } from '../retention/index.ts';
import type { RetentionReport } from '../retention/index.ts';
import { createClickHouseExecutor } from './clickhouse-executor.ts';
import { resolveMigrateOptions } from './config.ts';
import type { MigrateOptions } from './config.ts';
import { loadMigrations } from './load-migrations.ts';
import { migrationStatus } from './migration-status.ts';
import type { MigrationState } from './migration-status.ts';
import { runMigrations } from './run-migrations.ts';
import type { MigrateLog, MigrateReport } from './run-migrations.ts';
import type { SqlExecutor } from './sql-executor.ts';

export type { MigrateOptions } from './config.ts';
export type { MigrateReport, MigrateLog } from './run-migrations.ts';
export type { MigrationState } from './migration-status.ts';
export type { SqlExecutor } from './sql-executor.ts';
export { createClickHouseExecutor } from './clickhouse-executor.ts';

/** The schema migrator for one database. Only `nodefarm migrate` runs it; ingesters never issue DDL. */
export interface Migrator {
  readonly options: MigrateOptions;
  /** Applies pending migrations under the lock (see docs/schema.md). */
  migrate(): Promise<MigrateReport>;
  /** Each migration's state, read-only. */
  status(): Promise<{ serverVersion: string; migrations: MigrationState[] }>;
  /** Drops daily partitions older than `days` (rollups keep their longer default horizon). */
  retention(days: number): Promise<RetentionReport>;
  close(): Promise<void>;
}

/**
 * Creates a {@link Migrator}. Statements go through `executor` when given (tests pass an embedded current
 * ClickHouse), otherwise through ClickHouse's HTTP interface at `options.url`.
 */
export function createMigrator(options: Partial<MigrateOptions> = {}, executor?: SqlExecutor,
  log?: MigrateLog): Migrator {
  const resolved = resolveMigrateOptions(options);
  const ex = executor ?? createClickHouseExecutor(resolved);
  const lockOptions = { ttlMs: resolved.lockTtlMs, waitMs: resolved.lockWaitMs, pollMs: resolved.lockPollMs };
  return {
    options: resolved,
    migrate: () => runMigrations(ex, loadMigrations(resolved.migrationsDir), lockOptions, log),
    status: () => migrationStatus(ex, loadMigrations(resolved.migrationsDir)),
    retention: (days) => createRetention(ex, { days }).runOnce(),
    close: () => ex.close(),
  };
}
