import { NodefarmError } from '../../host/errors.ts';

/** How long each table's daily partitions are kept. */
export interface RetentionOptions {
  /** Days kept for tables without an entry in `tableDays` (the raw spans, worker events and metrics). */
  readonly days: number;
  /** Per-table overrides, e.g. longer for the per-minute rollups. */
  readonly tableDays: Readonly<Record<string, number>>;
  /** How often the periodic job runs (createRetention().start()). */
  readonly intervalMs: number;
}

/** Rollups are small, so they are kept much longer than raw rows by default. */
export const ROLLUP_TABLES = ['requests_1m', 'status_1m', 'worker_starts_1m', 'worker_exits_1m', 'memory_1m'] as const;

export const retentionDefaults: RetentionOptions = Object.freeze({
  days: 30,
  tableDays: Object.freeze(Object.fromEntries(ROLLUP_TABLES.map((t) => [t, 400]))),
  intervalMs: 60 * 60 * 1000,
});

/** Merges `partial` over the defaults and validates; throws MIGRATE_CONFIG_INVALID naming the bad key. */
export function resolveRetentionOptions(partial: Partial<RetentionOptions> = {}): RetentionOptions {
  const merged: RetentionOptions = {
    days: partial.days ?? retentionDefaults.days,
    tableDays: { ...retentionDefaults.tableDays, ...partial.tableDays },
    intervalMs: partial.intervalMs ?? retentionDefaults.intervalMs,
  };
  checkDays('days', merged.days);
  for (const [table, days] of Object.entries(merged.tableDays)) checkDays(`tableDays.${table}`, days);
  if (!Number.isInteger(merged.intervalMs) || merged.intervalMs < 1000) {
    throw new NodefarmError('MIGRATE_CONFIG_INVALID', { key: 'intervalMs', expected: 'an integer ≥ 1000', actual: String(merged.intervalMs) });
  }
  return Object.freeze({ ...merged, tableDays: Object.freeze(merged.tableDays) });
}

function checkDays(key: string, days: number): void {
  if (!Number.isInteger(days) || days < 1) {
    throw new NodefarmError('MIGRATE_CONFIG_INVALID', { key, expected: 'a whole number of days ≥ 1', actual: String(days) });
  }
}
