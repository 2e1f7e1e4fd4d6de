import type { AttrKey } from './attr-keys.ts';
import { newSpanId } from './ids.ts';
import type { AttrValue, SpanRecord } from './span-record.ts';

/**
 * Where the request path writes its spans, one field at a time. The protobuf export buffer implements it
 * by encoding each field straight into the pending request body, so a request's spans never exist as
 * objects; {@link RecordSink} builds {@link SpanRecord}s instead (OTLP/JSON export).
 */
export interface SpanSink {
  /**
   * Opens a span of `app`'s resource. Ids are lowercase hex; an empty `spanId` asks for a new random one (a span
   * no other span refers to), an empty `parentSpanId` means a root span. Times are Unix epoch ms with a
   * fractional part (an end before the start is written as the start).
   */
  begin(app: string, traceId: string, spanId: string, parentSpanId: string, traceState: string, name: string,
    kind: number, startMs: number, endMs: number): void;
  str(key: AttrKey, value: string): void;
  /** An int64 attribute, or a double when `value` is not a safe integer. */
  num(key: AttrKey, value: number): void;
  bool(key: AttrKey, value: boolean): void;
  /**
   * Tells the sink the ids of a request's trace as bytes (`bytes`: trace id, SERVER span id, dispatch span id,
   * 16 + 8 + 8), so spans naming those ids (the same hex strings) need no conversion. Optional to use.
   */
  knownIds(traceId: string, spanId: string, dispatchSpanId: string, bytes: Uint8Array): void;
  /** Closes the open span with its status (code 0 and `''`: no status written). */
  end(statusCode: number, statusMessage: string): void;
}

interface OpenRecord {
  app: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: number;
  start: number;
  end: number;
  attributes: Record<string, AttrValue>;
}

/** A sink that keeps each span as a {@link SpanRecord} in `records`. */
export class RecordSink implements SpanSink {
  records: SpanRecord[] = [];
  #open: OpenRecord | undefined;

  begin(app: string, traceId: string, spanId: string, parentSpanId: string, traceState: string, name: string,
    kind: number, startMs: number, endMs: number): void {
    this.#open = { app, traceId, spanId: spanId || newSpanId(), parentSpanId, traceState, name, kind, start: startMs, end: Math.max(startMs, endMs), attributes: {} };
  }

  str(key: AttrKey, value: string): void {
    if (this.#open) this.#open.attributes[key.name] = value;
  }

  num(key: AttrKey, value: number): void {
    if (this.#open) this.#open.attributes[key.name] = value;
  }

  bool(key: AttrKey, value: boolean): void {
    if (this.#open) this.#open.attributes[key.name] = value;
  }

  knownIds(): void {
    // Records keep hex ids.
  }

  end(statusCode: number, statusMessage: string): void {
    if (!this.#open) return;
    this.records.push({ ...this.#open, statusCode, statusMessage, events: [] });
    this.#open = undefined;
  }

  /** The records kept so far, and starts a new list. */
  take(): SpanRecord[] {
    const out = this.records;
    this.records = [];
    return out;
  }
}
