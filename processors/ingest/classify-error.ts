/** How a failed ClickHouse request is handled. */
export type FailureKind =
  /** The server or network failed, or the outcome is unknown (timeout): retry the same rows later. */
  | 'transient'
  /** The rows themselves are unacceptable (parse or type error): retrying cannot help. */
  | 'rejected'
  /** Tables or columns are missing: `nodefarm migrate` has not run; retry, loudly. */
  | 'schema';

/** ClickHouse error codes meaning "this data is wrong", stable across versions (18.16 … current). */
const REJECTED_CODES = new Set([
  6, // CANNOT_PARSE_TEXT
  26, // CANNOT_PARSE_QUOTED_STRING
  27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  38, // CANNOT_PARSE_DATE
  41, // CANNOT_PARSE_DATETIME
  53, // TYPE_MISMATCH
  69, // ARGUMENT_OUT_OF_BOUND
  70, // CANNOT_CONVERT_TYPE
  72, // CANNOT_PARSE_NUMBER
  117, // INCORRECT_DATA
  131, // TOO_LARGE_STRING_SIZE
  190, // SIZES_OF_ARRAYS_DOESNT_MATCH
]);

const SCHEMA_CODES = new Set([16, 47, 60, 81]); // NO_SUCH_COLUMN_IN_TABLE, UNKNOWN_IDENTIFIER, UNKNOWN_TABLE, UNKNOWN_DATABASE

/** The numeric ClickHouse error code in an error's code field or message ("Code: 27, …"), if any. */
export function clickhouseCode(err: unknown): number | undefined {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (e && typeof e.code === 'string' && /^\d+$/.test(e.code)) return Number(e.code);
  const m = typeof e?.message === 'string' ? /Code: (\d+)/.exec(e.message) : null;
  return m ? Number(m[1]) : undefined;
}

export function classifyFailure(err: unknown): FailureKind {
  const code = clickhouseCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code !== undefined && SCHEMA_CODES.has(code)) return 'schema';
  if (code !== undefined && REJECTED_CODES.has(code)) return 'rejected';
  // An INSERT touching more days than max_partitions_per_insert_block: a whole record can be at fault.
  if (/Too many partitions for single INSERT block/i.test(message)) return 'rejected';
  return 'transient';
}

/** One line for logs and dead-letter headers. */
export function describeFailure(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s+/g, ' ').trim().slice(0, 500);
}
