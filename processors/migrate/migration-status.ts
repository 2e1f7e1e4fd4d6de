import type { MigrationFile } from './load-migrations.ts';
import { ensureBookkeeping, readRecords } from './migrations-table.ts';
import { parseVersion, versionAtLeast } from './server-version.ts';
import { readServerVersion } from './run-migrations.ts';
import type { SqlExecutor } from './sql-executor.ts';

/** One line of `nodefarm migrate --status`. */
export interface MigrationState {
  readonly name: string;
  /** applied; skipped (recorded, server too old); pending (would apply now); waiting (server too old, never run); changed (applied, file edited since). */
  readonly state: 'applied' | 'skipped' | 'pending' | 'waiting' | 'changed';
  readonly requires: string | undefined;
  readonly appliedAt: string | undefined;
}

/** Reports each migration's state without applying anything and without taking the lock. */
export async function migrationStatus(ex: SqlExecutor, migrations: readonly MigrationFile[]):
  Promise<{ serverVersion: string; migrations: MigrationState[] }> {
  await ex.ensureDatabase();
  await ensureBookkeeping(ex);
  const serverVersion = await readServerVersion(ex);
  const version = parseVersion(serverVersion) ?? [0];
  const records = await readRecords(ex);
  const states = migrations.map((m): MigrationState => {
    const record = records.get(m.id);
    const fits = !m.requires || versionAtLeast(version, m.requires);
    let state: MigrationState['state'];
    if (record?.status === 'applied') state = record.checksum === m.checksum ? 'applied' : 'changed';
    else if (fits) state = 'pending';
    else state = record ? 'skipped' : 'waiting';
    return { name: m.name, state, requires: m.requiresText, appliedAt: record?.status === 'applied' ? record.appliedAt : undefined };
  });
  return { serverVersion, migrations: states };
}
