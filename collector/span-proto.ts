/** Encoding pieces shared by the span buffer and record encoding: OTLP field numbers, attributes, one span. */
import { attrKey } from './attr-keys.ts';
import { ProtoWriter } from './proto-writer.ts';
import { CONTRACT_VERSION, SCOPE_NAME } from './semconv.ts';
import type { AttrValue, SpanRecord } from './span-record.ts';

// Field numbers of the OTLP messages written here (opentelemetry/proto trace/v1, common/v1, resource/v1).
export const F = {
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

/** Tag byte of a length-delimited field (fields 1..15). */
export const LEN = (field: number): number => field * 8 + 2;

/** One `KeyValue` (tag included) of a repeated attributes field. */
export function attribute(w: ProtoWriter, field: number, key: string, v: AttrValue): void {
  const kv = w.fork(field);
  w.raw(attrKey(key).field);
  const any = w.fork(F.keyValue.value);
  if (typeof v === 'string') w.string(F.anyValue.string, v);
  else if (typeof v === 'boolean') w.bool(F.anyValue.bool, v);
  else if (Number.isSafeInteger(v)) w.int64(F.anyValue.int, v);
  else w.double(F.anyValue.double, v);
  w.join(any);
  w.join(kv);
}

export function attributes(w: ProtoWriter, field: number, attrs: Readonly<Record<string, AttrValue>>): void {
  for (const key in attrs) attribute(w, field, key, attrs[key]!);
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
  writeStatus(w, s.statusCode, s.statusMessage);
  w.join(sp);
}

export function writeStatus(w: ProtoWriter, code: number, message: string): void {
  if (!code && !message) return;
  const st = w.fork(F.span.status);
  if (message) w.string(F.status.message, message);
  if (code) w.uint(F.status.code, code);
  w.join(st);
}

/** `InstrumentationScope` as a `ScopeSpans.scope` field: the same bytes in every request. */
export const scopeField = ((): Uint8Array => {
  const w = new ProtoWriter(64);
  const scope = w.fork(F.scopeSpans.scope);
  w.string(F.scope.name, SCOPE_NAME);
  w.string(F.scope.version, CONTRACT_VERSION);
  w.join(scope);
  return Uint8Array.prototype.slice.call(w.finish());
})();
