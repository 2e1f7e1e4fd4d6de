import { insertBody } from './replay-queries.ts';
import { TABLE_FORMAT } from './row-types.ts';
import type { Row, TableName } from './row-types.ts';

/**
 * The INSERT query and body for serialized rows of `table`, in the table's format (row-types.ts). TabSeparated
 * rows name their columns, so `ingested_at` takes its DEFAULT now(); their bytes are sent as they are, adjacent
 * rows of a record as one chunk. JSONEachRow rows get `ingested_at` appended, because 18.16 fills columns
 * missing from JSONEachRow with zero values instead of their DEFAULT.
 */
export function insertStatement(table: TableName, lines: readonly Row['line'][], at: Date): { query: string; body: (string | Buffer)[] } {
  const { format, columns } = TABLE_FORMAT[table];
  if (format === 'JSONEachRow') {
    return { query: `INSERT INTO ${table} FORMAT JSONEachRow`, body: [insertBody(lines.map(String), at)] };
  }
  return { query: `INSERT INTO ${table} (${(columns ?? []).join(', ')}) FORMAT ${format}`, body: chunks(lines) };
}

/** Byte lines merged into as few views as possible: rows that follow each other in memory become one chunk. */
function chunks(lines: readonly Row['line'][]): Buffer[] {
  const out: Buffer[] = [];
  let run: Buffer | undefined;
  for (const line of lines) {
    const b = typeof line === 'string' ? Buffer.from(`${line}\n`) : line;
    if (run && run.buffer === b.buffer && run.byteOffset + run.length === b.byteOffset) {
      run = Buffer.from(run.buffer, run.byteOffset, run.length + b.length);
    } else {
      if (run) out.push(run);
      run = b;
    }
  }
  if (run) out.push(run);
  return out;
}

/** Rejected rows as a dead-letter value: their content type and bytes (TabSeparated with a line of column names). */
export function rejectedRows(table: TableName, lines: readonly Row['line'][]): { contentType: string; value: Buffer } {
  const { format, columns } = TABLE_FORMAT[table];
  if (format === 'JSONEachRow') return { contentType: 'application/x-ndjson', value: Buffer.from(lines.map(String).join('\n')) };
  const text = lines.map((l) => (typeof l === 'string' ? `${l}\n` : l.toString('utf8'))).join('');
  return { contentType: 'text/tab-separated-values', value: Buffer.from(`${(columns ?? []).join('\t')}\n${text}`) };
}
