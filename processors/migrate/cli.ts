import { parseArgs } from 'node:util';
import { isNodefarmError, NodefarmError } from '../../host/errors.ts';
import { MIGRATE_ENV, migrateDefaults } from './config.ts';
import type { MigrateOptions } from './config.ts';
import { createMigrator } from './index.ts';

const USAGE = `usage: nodefarm migrate [options]

Creates or upgrades the ClickHouse schema (deploy/clickhouse/migrations). Run it once per deployment, before
the ingesters; they never change the schema themselves.

  --url URL             ClickHouse HTTP endpoint (${MIGRATE_ENV.url}; default ${migrateDefaults.url})
  --database NAME       database to migrate, created when missing (${MIGRATE_ENV.database}; default ${migrateDefaults.database})
  --user NAME           ClickHouse user (${MIGRATE_ENV.username}; default ${migrateDefaults.username})
                        the password is read from ${MIGRATE_ENV.password} only, never from a flag
  --dir PATH            folder of NNNN_name.sql migrations (default: the project's deploy/clickhouse/migrations)
  --status              show each migration's state and apply nothing
  --retention-days N    after migrating, drop daily partitions older than N days (rollups keep 400 days)
  --lock-wait SECONDS   wait this long for another running migrator (default ${migrateDefaults.lockWaitMs / 1000})
  --lock-ttl SECONDS    a lock left by a killed migrator expires after this (default ${migrateDefaults.lockTtlMs / 1000})
  --json                print the result as JSON
  -h, --help            show this help
`;

/** `nodefarm migrate`: returns the exit code (0 done, 1 failed, 2 usage error). */
export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: false,
      options: {
        url: { type: 'string' }, database: { type: 'string' }, user: { type: 'string' }, dir: { type: 'string' },
        status: { type: 'boolean' }, 'retention-days': { type: 'string' }, 'lock-wait': { type: 'string' },
        'lock-ttl': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    return usageError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const seconds = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) throw new NodefarmError('CLI_USAGE', { problem: `--${flag} expects a positive number of seconds, got '${text}'` });
    return Math.round(n * 1000);
  };
  let retentionDays: number | undefined;
  let options: Partial<MigrateOptions>;
  try {
    if (v['retention-days'] !== undefined) {
      retentionDays = Number(v['retention-days']);
      if (!Number.isInteger(retentionDays) || retentionDays < 1) {
        throw new NodefarmError('CLI_USAGE', { problem: `--retention-days expects a whole number of days ≥ 1, got '${v['retention-days']}'` });
      }
    }
    options = {
      url: v.url, database: v.database, username: v.user, migrationsDir: v.dir,
      lockWaitMs: seconds('lock-wait', v['lock-wait']), lockTtlMs: seconds('lock-ttl', v['lock-ttl']),
    };
  } catch (err) {
    return usageError((err as Error).message);
  }

  let migrator;
  try {
    migrator = createMigrator(options);
  } catch (err) {
    return failure(err, 2);
  }
  const { url, database } = migrator.options;
  try {
    if (v.status) {
      const status = await migrator.status();
      if (v.json) print(JSON.stringify({ database, ...status }, null, 2));
      else {
        print(`${database} on ClickHouse ${status.serverVersion} at ${url}`);
        for (const m of status.migrations) {
          print(`  ${m.state.padEnd(8)} ${m.name}${m.requires ? ` (requires ${m.requires})` : ''}${m.appliedAt ? `  ${m.appliedAt}` : ''}`);
        }
      }
      return status.migrations.some((m) => m.state === 'changed') ? 1 : 0;
    }
    const report = await migrator.migrate();
    const retention = retentionDays === undefined ? undefined : await migrator.retention(retentionDays);
    if (v.json) print(JSON.stringify({ ...report, retention }, null, 2));
    else {
      print(`${database} on ClickHouse ${report.serverVersion} at ${url}: applied ${report.applied.length}, ` +
        `already applied ${report.alreadyApplied.length}, skipped ${report.skipped.length}`);
      for (const name of report.applied) print(`  applied  ${name}`);
      for (const name of report.skipped) print(`  skipped  ${name} (needs a newer ClickHouse; applied by a later run after an upgrade)`);
      if (retention) {
        print(`retention: dropped ${retention.dropped.length} partition(s) older than ${retentionDays} day(s), kept ${retention.kept}`);
        for (const d of retention.dropped) print(`  dropped  ${d.table} ${d.partition}`);
      }
    }
    return 0;
  } catch (err) {
    return failure(err, 1, url);
  } finally {
    await migrator.close();
  }
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function usageError(problem: string): number {
  process.stderr.write(`nodefarm migrate: ${problem}\n\n${USAGE}`);
  return 2;
}

/** Prints a catalogued error as message + hint; anything else (a connection failure) as MIGRATE_UNREACHABLE-like text. */
function failure(err: unknown, code: number, url?: string): number {
  const known = isNodefarmError(err) ? err : new NodefarmError('MIGRATE_UNREACHABLE', {
    url: url ?? '?', error: err instanceof Error ? err.message : String(err),
  });
  process.stderr.write(`nodefarm migrate: ${known.message}\nhint: ${known.hint}\n`);
  return code;
}
