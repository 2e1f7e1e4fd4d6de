import type { CollectorOptions } from './config.ts';
import { ProtoSpanBuffer } from './encode-spans-proto.ts';
import { encodeSpans, type ResourceOf } from './otlp-encoding.ts';
import { createSender, type OtlpSender } from './otlp-sender.ts';
import type { SpanRecord } from './span-record.ts';
import { RecordSink, type SpanSink } from './span-sink.ts';

/** Counters of the span pipeline (all cumulative except `queued`). */
export interface SpanExportStats {
  /** Spans waiting for export, including those on the wire. */
  readonly queued: number;
  /** Spans in the export requests now on the wire. */
  readonly exporting: number;
  /** Spans accepted into the queue. */
  readonly accepted: number;
  /** Spans dropped because the queue was full. */
  readonly droppedQueueFull: number;
  /** Spans dropped because their export failed (receiver down, slow, or refusing). */
  readonly droppedExportFailed: number;
  readonly exported: number;
  /** Export requests that failed. */
  readonly failedExports: number;
  /** The last failure, for status output. */
  readonly lastError: string;
}

/** Export requests on the wire at once: one can be encoding or waiting while the other transfers. */
const MAX_CONCURRENT_EXPORTS = 2;
/** Request body buffers kept for reuse: a fresh one costs page faults on every export. */
const MAX_FREE_BODIES = MAX_CONCURRENT_EXPORTS + 1;

/**
 * A bounded span queue with at most two exports in flight. `add` and `reserve` never block: when the queue
 * is full the spans are dropped and counted (a request's spans all together). Batches leave every `scheduledDelayMs`, or as soon as a full batch is waiting.
 * A failed export is dropped and counted rather than retried, so a slow or dead receiver costs the host a
 * bounded queue and nothing else.
 */
export class SpanExporter {
  readonly #o: CollectorOptions;
  readonly #resourceOf: ResourceOf;
  readonly #sender: OtlpSender;
  readonly #inFlight = new Set<Promise<void>>();
  /** Spans not yet in a batch: encoded at once for protobuf, kept as records for JSON. */
  readonly #openProto: ProtoSpanBuffer | undefined;
  #openRecords: SpanRecord[] = [];
  readonly #recordSink = new RecordSink();
  /** Protobuf request bodies of finished exports, for reuse. */
  readonly #freeBodies: Buffer[] = [];
  /** Batches ready to leave, oldest first. */
  #sealed: Batch[] = [];
  #queued = 0;
  #timer: NodeJS.Timeout | undefined;
  #launchSoon: NodeJS.Immediate | undefined;
  #closed = false;
  #accepted = 0;
  #droppedQueueFull = 0;
  #droppedExportFailed = 0;
  #exported = 0;
  #failedExports = 0;
  #lastError = '';
  #exporting = 0;

  /** Called when exports start failing (ok false) and when they work again; not per export. */
  readonly #onHealth: (ok: boolean, error: string) => void;
  #healthy = true;

  constructor(options: CollectorOptions, resourceOf: ResourceOf, onHealth: (ok: boolean, error: string) => void = () => {}) {
    this.#o = options;
    this.#resourceOf = resourceOf;
    this.#onHealth = onHealth;
    this.#openProto = options.protocol === 'http/protobuf' ? new ProtoSpanBuffer() : undefined;
    this.#sender = createSender({
      url: options.tracesUrl, json: options.protocol === 'http/json', gzip: options.gzip,
      headers: options.headers, timeoutMs: options.exportTimeoutMs,
    });
  }

  /** Queues spans given as records (lifecycle spans); returns how many were dropped for lack of room. */
  add(spans: readonly SpanRecord[]): number {
    let dropped = 0;
    for (const s of spans) {
      if (this.#closed || this.#queued >= this.#o.maxQueueSize) {
        dropped++;
        continue;
      }
      if (this.#openProto) this.#openProto.add(s);
      else this.#openRecords.push(s);
      this.#queued++;
      if (this.#openCount() >= this.#o.maxExportBatchSize) this.#seal();
    }
    this.#accepted += spans.length - dropped;
    this.#droppedQueueFull += dropped;
    this.#schedule();
    return dropped;
  }

  /**
   * Where to write the next `n` spans (one request's), then call `commit(n)`; undefined when the queue has no
   * room for all of them, in which case they are counted as dropped. A batch never splits a request.
   */
  reserve(n: number): SpanSink | undefined {
    if (this.#closed || this.#queued + n > this.#o.maxQueueSize) {
      this.#droppedQueueFull += n;
      return undefined;
    }
    const open = this.#openCount();
    if (open > 0 && open + n > this.#o.maxExportBatchSize) this.#seal();
    return this.#openProto ?? this.#recordSink;
  }

  /** Accounts for the `n` spans written after `reserve(n)`. */
  commit(n: number): void {
    if (!this.#openProto) for (const r of this.#recordSink.take()) this.#openRecords.push(r);
    this.#queued += n;
    this.#accepted += n;
    if (this.#openCount() >= this.#o.maxExportBatchSize) this.#seal();
    this.#schedule();
  }

  stats(): SpanExportStats {
    return {
      queued: this.#queued, exporting: this.#exporting, accepted: this.#accepted, droppedQueueFull: this.#droppedQueueFull,
      droppedExportFailed: this.#droppedExportFailed, exported: this.#exported, failedExports: this.#failedExports,
      lastError: this.#lastError,
    };
  }

  /** Exports everything queued (bounded by `deadlineMs`), then stops. Spans that do not make it are counted. */
  async shutdown(deadlineMs: number): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    clearImmediate(this.#launchSoon);
    this.#launchSoon = undefined;
    this.#seal();
    const end = Date.now() + deadlineMs;
    while (Date.now() < end && (this.#inFlight.size > 0 || this.#sealed.length > 0)) {
      if (this.#sealed.length > 0 && this.#inFlight.size < MAX_CONCURRENT_EXPORTS) this.#launch();
      else await Promise.race([...this.#inFlight, sleep(end - Date.now())]);
    }
    this.#droppedExportFailed += this.#queued - this.#exporting;
    this.#queued = this.#exporting;
    this.#sealed = [];
    this.#sender.close();
  }

  #openCount(): number {
    return this.#openProto ? this.#openProto.count : this.#openRecords.length;
  }

  /** Turns the open spans into a batch. */
  #seal(): void {
    const count = this.#openCount();
    if (count === 0) return;
    if (this.#openProto) {
      let buffer: Buffer | undefined;
      const bytes = this.#openProto.sealInto(this.#resourceOf, (size) => (buffer = this.#takeBody(size)));
      const free = this.#freeBodies;
      this.#sealed.push({
        count, body: () => bytes,
        release: () => {
          if (buffer && free.length < MAX_FREE_BODIES) free.push(buffer);
        },
      });
    } else {
      const records = this.#openRecords;
      this.#openRecords = [];
      this.#sealed.push({ count, body: () => encodeSpans(records, this.#resourceOf, this.#o.protocol) });
    }
  }

  /** A body buffer of at least `size` bytes: a reused one, else a new one (sizes rounded up, to fit again). */
  #takeBody(size: number): Buffer {
    const free = this.#freeBodies;
    for (let i = 0; i < free.length; i++) {
      if (free[i]!.length >= size) return free.splice(i, 1)[0]!;
    }
    return Buffer.allocUnsafeSlow(Math.max(64 * 1024, 2 ** Math.ceil(Math.log2(size))));
  }

  /**
   * A full batch leaves at the end of this event-loop turn (if an export slot is free): not inside the request
   * callback that filled it, so the answers already due in this turn go out first. Open spans leave after
   * `scheduledDelayMs`.
   */
  #schedule(): void {
    if (this.#closed || this.#inFlight.size >= MAX_CONCURRENT_EXPORTS) return;
    if (this.#sealed.length > 0) {
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#launchSoon ??= setImmediate(() => {
        this.#launchSoon = undefined;
        if (!this.#closed && this.#inFlight.size < MAX_CONCURRENT_EXPORTS) this.#launch();
      });
      return;
    }
    if (this.#openCount() === 0 || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#seal();
      this.#schedule();
    }, this.#o.scheduledDelayMs);
    this.#timer.unref();
  }

  #launch(): void {
    const batch = this.#sealed.shift();
    if (!batch) return;
    const p: Promise<void> = this.#exportOne(batch).finally(() => {
      this.#inFlight.delete(p);
      this.#schedule();
    });
    this.#inFlight.add(p);
    this.#schedule();
  }

  async #exportOne(batch: Batch): Promise<void> {
    const n = batch.count;
    this.#exporting += n;
    const result = await this.#sender.send(batch.body());
    batch.release?.();
    this.#exporting -= n;
    this.#queued -= n;
    if (result.ok) this.#exported += n;
    else {
      this.#failedExports++;
      this.#droppedExportFailed += n;
      this.#lastError = result.error;
    }
    if (result.ok !== this.#healthy) {
      this.#healthy = result.ok;
      this.#onHealth(result.ok, result.error);
    }
  }
}

/** Spans ready to export: their count and the request body (built lazily for JSON). */
interface Batch {
  readonly count: number;
  readonly body: () => Uint8Array | string;
  /** Gives the body's buffer back for reuse once the export has ended. */
  readonly release?: () => void;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());
}
