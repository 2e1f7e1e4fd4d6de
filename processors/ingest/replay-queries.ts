import { sqlString } from '../migrate/sql-literal.ts';
import { TIME_COLUMN } from './row-types.ts';
import type { TableName } from './row-types.ts';

/**
 * The reads that make replays exact (docs/schema.md, step 3). Plain SQL with the values inlined (they are
 * numbers the ingester computed), because 18.16 has no server-side query parameters.
 */

/** `o` (kafka_offset) and `s` (kafka_seq) of the rows of `table` stored for a partition's offset range and days. */
export function storedIdentitiesSql(table: TableName, partition: number, [minOffset, maxOffset]: readonly [number, number],
  [minTime, maxTime]: readonly [number, number]): string {
  const t = TIME_COLUMN[table];
  return `SELECT kafka_offset AS o, kafka_seq AS s FROM ${table} WHERE kafka_partition = ${int(partition)} `
    + `AND kafka_offset BETWEEN ${int(minOffset)} AND ${int(maxOffset)} `
    + `AND ${t} BETWEEN toDateTime(${int(minTime)}, 'UTC') AND toDateTime(${int(maxTime)}, 'UTC')`;
}

/**
 * `k` (trace_id + span_id) and `at` (ingested_at, Unix seconds) of the spans of a partition ingested in the last
 * `windowMs`, newest first, at most `limit`. start_time narrows the read to the recent days (a span is exported
 * soon after it starts; one that started more than a day before the window is not seeded).
 */
export function recentSpanKeysSql(partition: number, windowMs: number, limit: number): string {
  const seconds = Math.ceil(windowMs / 1000);
  return `SELECT concat(trace_id, span_id) AS k, toUInt32(ingested_at) AS at FROM spans WHERE kafka_partition = ${int(partition)} `
    + `AND start_time >= toDateTime(now() - ${seconds + 86_400}) AND ingested_at >= toDateTime(now() - ${seconds}) `
    + `ORDER BY ingested_at DESC LIMIT ${int(limit)}`;
}

/**
 * How many inserts of other ingesters of the group (query ids `prefix…`, not `excludePrefix…`) have been running
 * for at least `minElapsedSeconds`, i.e. started before this ingester got its partitions.
 */
export function runningInsertsSql(prefix: string, excludePrefix: string, minElapsedSeconds: number): string {
  return `SELECT count() AS n FROM system.processes WHERE startsWith(query_id, ${sqlString(prefix)}) `
    + `AND NOT startsWith(query_id, ${sqlString(excludePrefix)}) AND elapsed >= ${Math.max(0, minElapsedSeconds).toFixed(3)}`;
}

/**
 * The JSONEachRow body of an insert: the serialized rows with `ingested_at` appended. It is set explicitly
 * because 18.16 fills columns missing from JSONEachRow with zero values, not with their DEFAULT.
 */
export function insertBody(lines: readonly string[], at: Date): string {
  const suffix = `,"ingested_at":"${at.toISOString().slice(0, 19).replace('T', ' ')}"}`;
  return `${lines.map((l) => l.slice(0, -1) + suffix).join('\n')}\n`;
}

function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not an integer: ${n}`);
  return String(n);
}
