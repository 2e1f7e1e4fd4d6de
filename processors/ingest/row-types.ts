/** The three raw tables the ingester writes. */
export const TABLES = ['spans', 'worker_events', 'metrics'] as const;
export type TableName = (typeof TABLES)[number];

/** The time column of each table (partition key; used to narrow the replay check to the batch's days). */
export const TIME_COLUMN: Readonly<Record<TableName, string>> = { spans: 'start_time', worker_events: 'time', metrics: 'time' };

/**
 * The columns of the `spans` rows, in the order of their TabSeparated fields (span-rows.ts writes them).
 * `ingested_at` is left to its DEFAULT now(): an INSERT with a column list evaluates the defaults of the
 * columns it omits, on 18.16 too.
 */
export const SPAN_COLUMNS = [
  'start_time', 'start_time_ns', 'duration_ns', 'trace_id', 'span_id', 'parent_span_id', 'trace_state', 'name', 'kind',
  'status_code', 'status_message', 'host_pid', 'worker_pid', 'http_method', 'url_path', 'http_status', 'substatus',
  'errno', 'np_retry', 'attr_keys', 'attr_values',
  'events.time_ns', 'events.name', 'events.attr_keys', 'events.attr_values',
  'links.trace_id', 'links.span_id', 'links.trace_state', 'links.attr_keys', 'links.attr_values',
  'scope_name', 'scope_version',
  'farm', 'server', 'app', 'instance_id', 'environment', 'resource_keys', 'resource_values',
  'source', 'kafka_partition', 'kafka_offset', 'kafka_seq',
] as const;

/**
 * How each table's rows are serialized: spans (nearly all the volume) as TabSeparated lines with a column list,
 * worker events and metrics as JSONEachRow lines (with `ingested_at` appended at insert time).
 */
export const TABLE_FORMAT: Readonly<Record<TableName, { readonly format: 'TabSeparated' | 'JSONEachRow'; readonly columns?: readonly string[] }>> = {
  spans: { format: 'TabSeparated', columns: SPAN_COLUMNS },
  worker_events: { format: 'JSONEachRow' },
  metrics: { format: 'JSONEachRow' },
};

/** One serialized row (a line of its table's format, see {@link TABLE_FORMAT}) and what the ingester needs to know about it without parsing it. */
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
  /**
   * The serialized row: a JSONEachRow line (string, without newline) or a TabSeparated line as bytes, newline
   * included (a view into the bytes of its whole record, so that an insert sends them without copying).
   */
  readonly line: string | Buffer;
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
  return dateTimeOfSeconds(Number(ns / 1_000_000_000n));
}

/** Unix seconds (clamped to the DateTime range) to ClickHouse DateTime text in UTC, plus the seconds. */
export function dateTimeOfSeconds(s: number): { text: string; seconds: number } {
  let seconds = s;
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
