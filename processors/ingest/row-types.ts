/** The three raw tables the ingester writes. */
export const TABLES = ['spans', 'worker_events', 'metrics'] as const;
export type TableName = (typeof TABLES)[number];

/** The time column of each table (partition key; used to narrow the replay check to the batch's days). */
export const TIME_COLUMN: Readonly<Record<TableName, string>> = { spans: 'start_time', worker_events: 'time', metrics: 'time' };

/** One serialized row (a JSONEachRow line) and what the ingester needs to know about it without parsing it. */
export interface Row {
  readonly table: TableName;
  /** `kafka_seq`: the row's index among the rows its Kafka record produced for this table. */
  readonly seq: number;
  /** Unix seconds of the row's time column. */
  readonly time: number;
  /** Spans: `trace_id + span_id`, the key duplicates are recognised by. */
  readonly spanKey?: string;
  /** Worker events: the `kafka_seq` of the lifecycle span they come from (a dropped span drops its event). */
  readonly spanSeq?: number;
  readonly line: string;
}

/** Where a record came from. */
export interface RecordSource {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

let lastSeconds = -1;
let lastText = '';

/** Unix nanoseconds to ClickHouse DateTime text in UTC, plus the seconds. */
export function dateTimeOf(ns: bigint): { text: string; seconds: number } {
  let seconds = Number(ns / 1_000_000_000n);
  // DateTime holds 1970..2105; out-of-range values would wrap silently on 18.16.
  if (!(seconds > 0)) seconds = 0;
  if (seconds > 4_294_967_295) seconds = 4_294_967_295;
  // Rows of a batch mostly share their second; formatting a Date is the costly part.
  if (seconds !== lastSeconds) {
    lastSeconds = seconds;
    lastText = new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
  }
  return { text: lastText, seconds };
}

/**
 * JSON for a row object. 64-bit values are given as decimal strings (ClickHouse reads quoted 64-bit integers);
 * no replacer function, which would slow down every row.
 */
export function rowLine(row: Record<string, unknown>): string {
  return JSON.stringify(row);
}

/** A UInt64 column value as decimal text; negative values become 0. */
export function uint64Text(v: bigint): string {
  return v < 0n ? '0' : v.toString();
}
