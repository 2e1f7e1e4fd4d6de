import path from 'node:path';
import { NodefarmError } from '../../host/errors.ts';

/** Options of the migrator (`nodefarm migrate`). */
export interface MigrateOptions {
  /** ClickHouse HTTP endpoint. */
  readonly url: string;
  /** Database the schema lives in; created when missing. */
  readonly database: string;
  readonly username: string;
  readonly password: string;
  /** Folder of NNNN_name.sql files. */
  readonly migrationsDir: string;
  /** Per-statement HTTP timeout; generous because an ALTER on a big table can take a while. */
  readonly requestTimeoutMs: number;
  /** A held migration lock expires this long after it was taken or renewed (renewed before each migration). */
  readonly lockTtlMs: number;
  /** How long to wait for another migrator's lock. */
  readonly lockWaitMs: number;
  /** Mean pause between lock attempts. */
  readonly lockPollMs: number;
}

export const migrateDefaults: MigrateOptions = Object.freeze({
  url: 'http://127.0.0.1:8123',
  database: 'nodefarm',
  username: 'default',
  password: '',
  migrationsDir: path.resolve(import.meta.dirname, '../../deploy/clickhouse/migrations'),
  requestTimeoutMs: 300_000,
  lockTtlMs: 600_000,
  lockWaitMs: 300_000,
  lockPollMs: 500,
});

/** Environment variables read by {@link resolveMigrateOptions}, shared with the ingester's ClickHouse settings. */
export const MIGRATE_ENV = {
  url: 'NODEFARM_CLICKHOUSE_URL',
  database: 'NODEFARM_CLICKHOUSE_DATABASE',
  username: 'NODEFARM_CLICKHOUSE_USER',
  password: 'NODEFARM_CLICKHOUSE_PASSWORD',
} as const;

/** Precedence low → high: defaults, environment, `partial` (CLI flags or code). Validates and freezes. */
export function resolveMigrateOptions(partial: Partial<MigrateOptions> = {}, env: NodeJS.ProcessEnv = process.env):
  MigrateOptions {
  const fromEnv: Partial<Record<keyof typeof MIGRATE_ENV, string>> = {};
  for (const [key, name] of Object.entries(MIGRATE_ENV) as [keyof typeof MIGRATE_ENV, string][]) {
    const value = env[name];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const merged: MigrateOptions = { ...migrateDefaults, ...fromEnv, ...definedOnly(partial) };
  validate(merged);
  return Object.freeze(merged);
}

function definedOnly<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validate(o: MigrateOptions): void {
  let url: URL | undefined;
  try { url = new URL(o.url); } catch { url = undefined; }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    fail('url', 'an http:// or https:// URL', o.url);
  }
  // Database names go into DDL; keep them to plain identifiers rather than trusting quoting everywhere.
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(o.database)) fail('database', 'letters, digits and _ (not starting with a digit)', o.database);
  if (o.migrationsDir === '') fail('migrationsDir', 'a folder', o.migrationsDir);
  for (const key of ['requestTimeoutMs', 'lockTtlMs', 'lockWaitMs', 'lockPollMs'] as const) {
    if (!Number.isFinite(o[key]) || o[key] < 1) fail(key, 'a positive number of milliseconds', String(o[key]));
  }
}

function fail(key: string, expected: string, actual: string): never {
  throw new NodefarmError('MIGRATE_CONFIG_INVALID', { key, expected, actual });
}
