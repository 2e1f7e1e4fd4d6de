import type { AttrKey } from './attr-keys.ts';
import { randomIdInto } from './ids.ts';
import { copyAscii, ProtoWriter } from './proto-writer.ts';
import { attribute, attributes, F, LEN, scopeField, writeSpan, writeStatus } from './span-proto.ts';
import type { SpanSink } from './span-sink.ts';
import type { AttrValue, SpanRecord } from './span-record.ts';

function varintSize(v: number): number {
  let n = 1;
  for (; v >= 0x80; v = Math.floor(v / 0x80)) n++;
  return n;
}

// A span's name and kind fields come from a handful of pairs (semconv.ts SPAN, each with one KIND): encoded
// once per name. The last byte is the kind (kinds are < 128); another kind for the same name is encoded anew.
const namesAndKinds = new Map<string, Uint8Array>();

function nameAndKind(name: string, kind: number): Uint8Array {
  const cached = namesAndKinds.get(name);
  if (cached !== undefined && cached[cached.length - 1] === kind) return cached;
  const w = new ProtoWriter(Buffer.byteLength(name) + 16);
  w.string(F.span.name, name);
  w.uint(F.span.kind, kind);
  const bytes = Uint8Array.prototype.slice.call(w.finish());
  if (cached === undefined && kind < 0x80 && namesAndKinds.size < 256) namesAndKinds.set(name, bytes);
  return bytes;
}

interface AppSpans {
  readonly w: ProtoWriter;
  count: number;
  /** The resource's attributes last encoded, and their `ResourceSpans.resource` field. */
  resource: Readonly<Record<string, AttrValue>> | undefined;
  resourceField: Uint8Array;
}

/**
 * Spans encoded as they arrive, per app, so the export queue holds bytes (about 300 per span) rather than
 * objects: nothing of a span outlives its request in the JavaScript heap. It is a {@link SpanSink}: the
 * request path writes each span field by field, attribute keys copied from pre-encoded bytes. `sealInto()`
 * frames what is buffered as one ExportTraceServiceRequest, lengths computed up front so nothing is moved.
 */
export class ProtoSpanBuffer implements SpanSink {
  readonly #byApp = new Map<string, AppSpans>();
  count = 0;
  /** The app and writer of the last span begun (consecutive spans are mostly of one app). */
  #app = '';
  #current: AppSpans | undefined;
  #span = 0;
  #w = new ProtoWriter(0);
  /** The ids of the request being written (see `knownIds`), as hex and as bytes: trace 0–15, span 16–23, dispatch 24–31. */
  #idTrace = '';
  #idSpan = '';
  #idDispatch = '';
  #ids: Uint8Array = new Uint8Array(32);

  #appSpans(app: string): AppSpans {
    if (this.#current !== undefined && app === this.#app) return this.#current;
    let entry = this.#byApp.get(app);
    if (!entry) this.#byApp.set(app, (entry = { w: new ProtoWriter(16 * 1024), count: 0, resource: undefined, resourceField: scopeField }));
    this.#app = app;
    this.#current = entry;
    return entry;
  }

  /** Queues one span given as a record. */
  add(s: SpanRecord): void {
    const entry = this.#appSpans(s.app);
    writeSpan(entry.w, s);
    entry.count++;
    this.count++;
  }

  begin(app: string, traceId: string, spanId: string, parentSpanId: string, traceState: string, name: string,
    kind: number, startMs: number, endMs: number): void {
    const w = this.#appSpans(app).w;
    this.#w = w;
    this.#span = w.fork(F.scopeSpans.spans);
    this.#id(F.span.traceId, traceId);
    if (spanId) this.#id(F.span.spanId, spanId);
    else {
      w.ensure(10);
      w.buf[w.pos++] = LEN(F.span.spanId);
      w.buf[w.pos++] = 8;
      randomIdInto(w.buf, w.pos, 8);
      w.pos += 8;
    }
    if (traceState) w.string(F.span.traceState, traceState);
    if (parentSpanId) this.#id(F.span.parentSpanId, parentSpanId);
    w.raw(nameAndKind(name, kind));
    w.epochNanos(F.span.start, startMs);
    w.epochNanos(F.span.end, Math.max(startMs, endMs));
  }

  knownIds(traceId: string, spanId: string, dispatchSpanId: string, bytes: Uint8Array): void {
    this.#idTrace = traceId;
    this.#idSpan = spanId;
    this.#idDispatch = dispatchSpanId;
    this.#ids = bytes;
  }

  /** An id field: copied from the known ids' bytes when it is one of them, else converted from hex. */
  #id(field: number, hex: string): void {
    const w = this.#w;
    const at = hex === this.#idSpan ? 16 : hex === this.#idTrace ? 0 : hex === this.#idDispatch ? 24 : -1;
    const n = at === 0 ? 16 : 8;
    if (at < 0 || hex.length !== 2 * n) {
      w.hexBytes(field, hex);
      return;
    }
    w.ensure(n + 2);
    const b = w.buf;
    let p = w.pos;
    b[p++] = LEN(field);
    b[p++] = n;
    const ids = this.#ids;
    for (let i = at; i < at + n; i++) b[p++] = ids[i]!;
    w.pos = p;
  }

  // The attribute writers below take a fast path for what the request path writes (short ASCII strings, small
  // non-negative integers, booleans): every length is known up front and fits one byte, so the KeyValue is
  // written in one go; anything else goes through the generic writer.

  /**
   * Writes the head of a span attribute (its field, its KeyValue's length, the pre-encoded key, the value field's
   * tag and length) at the writer's position, room for the whole attribute having been made; returns where the
   * AnyValue goes. Both lengths fit one byte.
   */
  #attributeHead(key: Uint8Array, keyValueLength: number, valueLength: number): number {
    const b = this.#w.buf;
    let p = this.#w.pos;
    b[p++] = LEN(F.span.attributes);
    b[p++] = keyValueLength;
    b.set(key, p); // keys are 10 to 40 bytes: a typed-array copy beats a JS loop from about 10
    p += key.length;
    b[p++] = LEN(F.keyValue.value);
    b[p++] = valueLength;
    return p;
  }

  str(key: AttrKey, value: string): void {
    const w = this.#w;
    const k = key.field;
    const n = value.length;
    const kv = k.length + 4 + n;
    if (kv < 0x80) {
      w.ensure(kv + 2);
      let p = this.#attributeHead(k, kv, n + 2);
      const b = w.buf;
      b[p++] = LEN(F.anyValue.string);
      b[p++] = n;
      const end = copyAscii(b, p, value);
      if (end >= 0) {
        w.pos = end;
        return;
      }
    }
    attribute(w, F.span.attributes, key.name, value);
  }

  num(key: AttrKey, value: number): void {
    const w = this.#w;
    const k = key.field;
    if (value >= 0 && value < 0x10000000 && k.length < 0x70 && (value | 0) === value) {
      const vs = value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : 4;
      w.ensure(k.length + vs + 6);
      let p = this.#attributeHead(k, k.length + 3 + vs, 1 + vs);
      const b = w.buf;
      b[p++] = F.anyValue.int * 8;
      let v = value;
      while (v >= 0x80) {
        b[p++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      b[p++] = v;
      w.pos = p;
      return;
    }
    attribute(w, F.span.attributes, key.name, value);
  }

  bool(key: AttrKey, value: boolean): void {
    const w = this.#w;
    const k = key.field;
    if (k.length < 0x70) {
      w.ensure(k.length + 6);
      let p = this.#attributeHead(k, k.length + 4, 2);
      const b = w.buf;
      b[p++] = F.anyValue.bool * 8;
      b[p++] = value ? 1 : 0;
      w.pos = p;
      return;
    }
    attribute(w, F.span.attributes, key.name, value);
  }

  end(statusCode: number, statusMessage: string): void {
    const entry = this.#current!;
    writeStatus(entry.w, statusCode, statusMessage);
    entry.w.join(this.#span);
    entry.count++;
    this.count++;
  }

  /**
   * Frames the buffered spans as one request in a buffer from `take(size)` (which may be longer) and empties
   * this buffer; returns the request's bytes, a view of that buffer. Writers are kept for reuse.
   */
  sealInto(resourceOf: (app: string) => Readonly<Record<string, AttrValue>>, take: (size: number) => Buffer): Buffer {
    let total = 0;
    for (const [app, e] of this.#byApp) {
      if (e.count === 0) continue;
      const attrs = resourceOf(app);
      if (e.resource !== attrs) {
        const w = new ProtoWriter(1024);
        const res = w.fork(F.resourceSpans.resource);
        attributes(w, F.resource.attributes, attrs);
        w.join(res);
        e.resourceField = Uint8Array.prototype.slice.call(w.finish());
        e.resource = attrs;
      }
      const ss = scopeField.length + e.w.pos;
      const rs = e.resourceField.length + 1 + varintSize(ss) + ss;
      total += 1 + varintSize(rs) + rs;
    }
    const out = take(total);
    const w = new ProtoWriter(0);
    w.buf = out;
    for (const e of this.#byApp.values()) {
      if (e.count === 0) continue;
      const ss = scopeField.length + e.w.pos;
      w.tag(F.request.resourceSpans, 2);
      w.varint(e.resourceField.length + 1 + varintSize(ss) + ss);
      w.raw(e.resourceField);
      w.tag(F.resourceSpans.scopeSpans, 2);
      w.varint(ss);
      w.raw(scopeField);
      e.w.buf.copy(out, w.pos, 0, e.w.pos);
      w.pos += e.w.pos;
      e.w.pos = 0;
      e.count = 0;
    }
    this.count = 0;
    return out.subarray(0, w.pos);
  }

  /** The buffered spans as a request in a buffer of its own, and empties the buffer. */
  seal(resourceOf: (app: string) => Readonly<Record<string, AttrValue>>): Uint8Array {
    return this.sealInto(resourceOf, (size) => Buffer.allocUnsafe(size));
  }
}
