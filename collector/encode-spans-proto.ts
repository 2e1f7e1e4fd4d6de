import { ProtoWriter } from './proto-writer.ts';
import { CONTRACT_VERSION, SCOPE_NAME } from './semconv.ts';
import type { AttrValue, SpanRecord } from './span-record.ts';

// Field numbers of the OTLP messages written here (opentelemetry/proto trace/v1, common/v1, resource/v1).
const F = {
  request: { resourceSpans: 1 },
  resourceSpans: { resource: 1, scopeSpans: 2 },
  resource: { attributes: 1 },
  scopeSpans: { scope: 1, spans: 2 },
  scope: { name: 1, version: 2 },
  span: { traceId: 1, spanId: 2, traceState: 3, parentSpanId: 4, name: 5, kind: 6, start: 7, end: 8, attributes: 9, events: 11, status: 15 },
  event: { time: 1, name: 2, attributes: 3 },
  status: { message: 2, code: 3 },
  keyValue: { key: 1, value: 2 },
  anyValue: { string: 1, bool: 2, int: 3, double: 4 },
} as const;

function attributes(w: ProtoWriter, field: number, attrs: Readonly<Record<string, AttrValue>>): void {
  for (const key in attrs) {
    const v = attrs[key]!;
    const kv = w.fork(field);
    w.string(F.keyValue.key, key);
    const any = w.fork(F.keyValue.value);
    if (typeof v === 'string') w.string(F.anyValue.string, v);
    else if (typeof v === 'boolean') w.bool(F.anyValue.bool, v);
    else if (Number.isSafeInteger(v)) w.int64(F.anyValue.int, v);
    else w.double(F.anyValue.double, v);
    w.join(any);
    w.join(kv);
  }
}

/** Appends one span as a `ScopeSpans.spans` field (tag included), so encoded spans can be concatenated. */
export function writeSpan(w: ProtoWriter, s: SpanRecord): void {
  const sp = w.fork(F.scopeSpans.spans);
  w.hexBytes(F.span.traceId, s.traceId);
  w.hexBytes(F.span.spanId, s.spanId);
  if (s.traceState) w.string(F.span.traceState, s.traceState);
  if (s.parentSpanId) w.hexBytes(F.span.parentSpanId, s.parentSpanId);
  w.string(F.span.name, s.name);
  w.uint(F.span.kind, s.kind);
  w.epochNanos(F.span.start, s.start);
  w.epochNanos(F.span.end, Math.max(s.start, s.end));
  attributes(w, F.span.attributes, s.attributes);
  for (const e of s.events) {
    const ev = w.fork(F.span.events);
    w.epochNanos(F.event.time, e.time);
    w.string(F.event.name, e.name);
    attributes(w, F.event.attributes, e.attributes);
    w.join(ev);
  }
  if (s.statusCode || s.statusMessage) {
    const st = w.fork(F.span.status);
    if (s.statusMessage) w.string(F.status.message, s.statusMessage);
    if (s.statusCode) w.uint(F.status.code, s.statusCode);
    w.join(st);
  }
  w.join(sp);
}

/**
 * Spans encoded as they arrive, per app, so the export queue holds bytes (about 300 per span) rather than
 * objects: nothing of a span outlives its request in the JavaScript heap. `seal()` wraps what is buffered
 * into one ExportTraceServiceRequest.
 */
export class ProtoSpanBuffer {
  readonly #byApp = new Map<string, { w: ProtoWriter; count: number }>();
  count = 0;

  add(s: SpanRecord): void {
    let entry = this.#byApp.get(s.app);
    if (!entry) this.#byApp.set(s.app, (entry = { w: new ProtoWriter(16 * 1024), count: 0 }));
    writeSpan(entry.w, s);
    entry.count++;
    this.count++;
  }

  /** The buffered spans as a request (a copy), and empties the buffer; writers are kept for reuse. */
  seal(resourceOf: (app: string) => Readonly<Record<string, AttrValue>>): Uint8Array {
    const w = sealWriter;
    w.pos = 0;
    for (const [app, entry] of this.#byApp) {
      if (entry.count === 0) continue;
      const rs = w.fork(F.request.resourceSpans);
      const res = w.fork(F.resourceSpans.resource);
      attributes(w, F.resource.attributes, resourceOf(app));
      w.join(res);
      const ss = w.fork(F.resourceSpans.scopeSpans);
      const scope = w.fork(F.scopeSpans.scope);
      w.string(F.scope.name, SCOPE_NAME);
      w.string(F.scope.version, CONTRACT_VERSION);
      w.join(scope);
      w.ensure(entry.w.pos);
      entry.w.buf.copy(w.buf, w.pos, 0, entry.w.pos);
      w.pos += entry.w.pos;
      w.join(ss);
      w.join(rs);
      entry.w.pos = 0;
      entry.count = 0;
    }
    this.count = 0;
    return Uint8Array.prototype.slice.call(w.finish());
  }
}

const sealWriter = new ProtoWriter();

/** Encodes an ExportTraceServiceRequest for `spans` at once (one ResourceSpans per app). */
export function encodeSpansProto(spans: readonly SpanRecord[], resourceOf: (app: string) => Readonly<Record<string, AttrValue>>): Uint8Array {
  const b = new ProtoSpanBuffer();
  for (const s of spans) b.add(s);
  return b.seal(resourceOf);
}
