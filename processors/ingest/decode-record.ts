import { decodeRequest } from '../otlp/decode-request.ts';
import { encodeTracesRequest } from '../otlp/encode.ts';
import { WireError } from '../otlp/wire.ts';
import { metricRows } from './metric-rows.ts';
import type { RecordSource, Row } from './row-types.ts';
import { spanRows } from './span-rows.ts';

/** A Kafka record as the ingester keeps it until its rows are stored and its offset committed. */
export interface BufferedRecord {
  readonly source: RecordSource;
  /** Rows for each table, in record order (spans, then the worker events of its lifecycle spans, or metrics). */
  readonly rows: readonly Row[];
  /** Serialized size of the rows (what the buffer limits count). */
  readonly bytes: number;
  /** Set when the record can never be stored: it goes to the dead-letter topic instead. */
  deadLetter?: DeadLetter;
}

/** What the dead-letter topic receives for a poison record. */
export interface DeadLetter {
  readonly reason: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** The kafkajs message fields the ingester reads. */
export interface IncomingMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly offset: string;
  readonly headers?: Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;
}

/**
 * Decodes one record of the spans or metrics topic into rows. Never throws: a record that cannot be decoded
 * or flattened comes back with `deadLetter` set and no rows.
 */
export function decodeRecord(signal: 'traces' | 'metrics', src: RecordSource, msg: IncomingMessage): BufferedRecord {
  const value = msg.value ?? Buffer.alloc(0);
  const poison = (reason: string): BufferedRecord => ({
    source: src, rows: [], bytes: value.length,
    deadLetter: { reason, key: msg.key, value: msg.value, headers: headerStrings(msg.headers) },
  });
  try {
    let rows: Row[];
    if (signal === 'traces') {
      const read = readSpans(value, src);
      if (typeof read === 'string') return poison(read);
      rows = read.workers.length > 0 ? [...read.spans, ...read.workers] : read.spans;
    } else {
      const decoded = decodeRequest('metrics', 'protobuf', value);
      if (!decoded.ok) return poison(decoded.message);
      rows = metricRows(decoded.request, src);
    }
    let bytes = 0;
    for (const r of rows) bytes += typeof r.line === 'string' ? r.line.length + 1 : r.line.length;
    return { source: src, rows, bytes };
  } catch (err) {
    return poison(`the record could not be turned into rows: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * The rows of a spans record, read from its bytes. Bytes the direct reader refuses are decoded by protobufjs:
 * when that fails too, its message says why (for the dead letter); when it succeeds (an encoding the reader
 * does not take, such as a field with an unexpected wire type), the rows come from its re-encoding.
 */
function readSpans(value: Buffer, src: RecordSource): ReturnType<typeof spanRows> | string {
  try {
    return spanRows(value, src);
  } catch (err) {
    if (!(err instanceof WireError)) throw err;
    const decoded = decodeRequest('traces', 'protobuf', value);
    if (!decoded.ok) return decoded.message;
    return spanRows(encodeTracesRequest(decoded.request.resourceSpans ?? []), src);
  }
}

function headerStrings(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k] = Buffer.isBuffer(first) ? first.toString('utf8') : first;
  }
  return out;
}
