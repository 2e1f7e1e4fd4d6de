import type { SqlExecutor } from '../migrate/sql-executor.ts';
import { sqlIdentifier, sqlString } from '../migrate/sql-literal.ts';
import type { RetentionOptions } from './config.ts';

/** What one retention pass did. */
export interface RetentionReport {
  /** Server's current UTC day, YYYYMMDD. */
  readonly today: number;
  readonly dropped: { table: string; partition: string }[];
  /** Number of daily partitions still within their horizon. */
  readonly kept: number;
}

/**
 * Drops every daily partition older than its table's horizon in the executor's database. Works on 18.16
 * (no TTL there) and current servers alike: it lists active parts in `system.parts`, keeps partitions whose
 * id is a day (YYYYMMDD — what both `toYYYYMMDD(t)` and `toDate(t)` partition keys produce) and issues
 * `ALTER TABLE … DROP PARTITION ID` for those whose day is before today − N days (UTC, server clock).
 * Tables with any other partition scheme are left alone.
 */
export async function dropOldPartitions(ex: SqlExecutor, options: Pick<RetentionOptions, 'days' | 'tableDays'>):
  Promise<RetentionReport> {
  const [clock] = await ex.rows<{ today: number | string }>(`SELECT toYYYYMMDD(now(), 'UTC') AS today`);
  const today = Number(clock?.today);
  const parts = await ex.rows<{ table: string; partition_id: string }>(`SELECT DISTINCT table, partition_id
    FROM system.parts WHERE database = ${sqlString(ex.database)} AND active ORDER BY table, partition_id`);
  const dropped: RetentionReport['dropped'] = [];
  let kept = 0;
  for (const { table, partition_id: id } of parts) {
    if (!/^\d{8}$/.test(id)) continue;
    const days = options.tableDays[table] ?? options.days;
    if (Number(id) < shiftDays(today, -days)) {
      await ex.command(`ALTER TABLE ${sqlIdentifier(table)} DROP PARTITION ID ${sqlString(id)}`);
      dropped.push({ table, partition: id });
    } else {
      kept += 1;
    }
  }
  return { today, dropped, kept };
}

/** YYYYMMDD `day` moved by `delta` days. */
export function shiftDays(day: number, delta: number): number {
  const d = new Date(Date.UTC(Math.floor(day / 10000), Math.floor(day / 100) % 100 - 1, day % 100));
  d.setUTCDate(d.getUTCDate() + delta);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}
