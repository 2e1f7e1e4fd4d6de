import { divBillion, I64, LEN, u64Text, VARINT, WireError, WireReader } from '../otlp/wire.ts';
import type { Span } from '../otlp/types.ts';
import { int64Of, uintOf } from './attributes.ts';
import type { AttributeArrays } from './attributes.ts';
import { resourceColumns } from './resource-columns.ts';
import type { ResourceColumns } from './resource-columns.ts';
import { dateTimeOfSeconds } from './row-types.ts';
import type { RecordSource, Row } from './row-types.ts';
import { tsvArray, tsvArrays, tsvEscape, tsvNumbers } from './tsv.ts';
import { readAttribute, readHex, readString } from './wire-attributes.ts';
import { workerEventRow } from './worker-event-row.ts';

const U16 = 65_535;
const U32 = 4_294_967_295;
const NO_EVENTS = '[]\t[]\t[]\t[]';
const NO_LINKS = '[]\t[]\t[]\t[]\t[]';
const LIFECYCLE = new Set(['process.start', 'process.exit']);

/** The resource's part of every span row and what the span columns fall back to. */
interface ResourcePart {
  readonly columns: ResourceColumns;
  /** farm … resource_values, TabSeparated. */
  readonly tsv: string;
  readonly processPid: string | undefined;
  readonly nodePid: string | undefined;
}

/**
 * The `spans` rows of one Kafka record (and the `worker_events` rows of its lifecycle spans), read straight from
 * the record's protobuf bytes (an ExportTraceServiceRequest) into TabSeparated lines in the order of
 * `SPAN_COLUMNS`, in the order the spans appear; `kafka_seq` numbers each table's rows from 0 so a replayed
 * record yields the same identities. Throws {@link WireError} on bytes it cannot read.
 */
export function spanRows(value: Uint8Array, src: RecordSource): { spans: Row[]; workers: Row[] } {
  const buf = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  const r = new WireReader(buf);
  const out: Output = {
    spans: [], workers: [], record: `otlp\t${src.partition}\t${src.offset}`, src,
    bytes: Buffer.allocUnsafe(value.length * 4 + 4096), pos: 0, ends: [],
  };
  while (r.pos < r.end) {
    const tag = r.uint32();
    if (tag >>> 3 !== 1) { r.skip(tag & 7); continue; }
    if ((tag & 7) !== LEN) throw new WireError('wrong wire type');
    const end = r.lenEnd();
    resourceSpans(r, end, out);
    r.pos = end;
  }
  // The rows become views into the record's bytes once they are all written (the buffer may have grown).
  let start = 0;
  out.spans.forEach((row, i) => {
    const end = out.ends[i] as number;
    (row as { line: Row['line'] }).line = out.bytes.subarray(start, end);
    start = end;
  });
  return { spans: out.spans, workers: out.workers };
}

interface Output {
  readonly spans: Row[];
  readonly workers: Row[];
  readonly record: string;
  readonly src: RecordSource;
  /** The TabSeparated lines of the spans, one after the other; `ends[i]` is where row i's ends. */
  bytes: Buffer;
  pos: number;
  readonly ends: number[];
}

/** Appends a line and its newline to the record's bytes, growing them when a line might not fit. */
function append(out: Output, line: string): void {
  // A UTF-16 unit takes at most 3 UTF-8 bytes.
  const room = line.length * 3 + 1;
  if (out.pos + room > out.bytes.length) {
    const bigger = Buffer.allocUnsafe(Math.max(out.bytes.length * 2, out.pos + room));
    out.bytes.copy(bigger, 0, 0, out.pos);
    out.bytes = bigger;
  }
  out.pos += out.bytes.write(line, out.pos);
  out.bytes[out.pos++] = 0x0a;
  out.ends.push(out.pos);
}

/** Finds field `field` (a message) of the message ending at `end`, without moving `r`: [start, end) or undefined. */
function findMessage(r: WireReader, end: number, field: number): [number, number] | undefined {
  const from = r.pos;
  let found: [number, number] | undefined;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === field && (tag & 7) === LEN) {
      const e = r.lenEnd();
      found = [r.pos, e];
      r.pos = e;
    } else r.skip(tag & 7);
  }
  if (r.pos !== end) throw new WireError('field beyond the end of its message');
  r.pos = from;
  return found;
}

function resourceSpans(r: WireReader, end: number, out: Output): void {
  const attrs: AttributeArrays = { keys: [], values: [] };
  const at = findMessage(r, end, 1);
  if (at) {
    const from = r.pos;
    r.pos = at[0];
    while (r.pos < at[1]) {
      const tag = r.uint32();
      if (tag >>> 3 === 1) readAttribute(r, tag & 7, attrs);
      else r.skip(tag & 7);
    }
    r.pos = from;
  }
  const columns = resourceColumns(attrs);
  const resource: ResourcePart = {
    columns,
    tsv: [columns.farm, columns.server, columns.app, columns.instance_id, columns.environment].map(tsvEscape).join('\t')
      + `\t${tsvArray(attrs.keys)}\t${tsvArray(attrs.values)}`,
    processPid: first(attrs, 'process.pid'),
    nodePid: first(attrs, 'iisnode.node_pid'),
  };
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 !== 2) { r.skip(tag & 7); continue; }
    if ((tag & 7) !== LEN) throw new WireError('wrong wire type');
    const e = r.lenEnd();
    scopeSpans(r, e, resource, out);
    r.pos = e;
  }
}

function first(attrs: AttributeArrays, key: string): string | undefined {
  const i = attrs.keys.indexOf(key);
  return i >= 0 ? attrs.values[i] : undefined;
}

function scopeSpans(r: WireReader, end: number, resource: ResourcePart, out: Output): void {
  let name = '';
  let version = '';
  const at = findMessage(r, end, 1);
  if (at) {
    const from = r.pos;
    r.pos = at[0];
    while (r.pos < at[1]) {
      const tag = r.uint32();
      if (tag >>> 3 === 1) name = readString(r, tag & 7);
      else if (tag >>> 3 === 2) version = readString(r, tag & 7);
      else r.skip(tag & 7);
    }
    r.pos = from;
  }
  const tail = `${tsvEscape(name)}\t${tsvEscape(version)}\t${resource.tsv}\t${out.record}\t`;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 !== 2) { r.skip(tag & 7); continue; }
    if ((tag & 7) !== LEN) throw new WireError('wrong wire type');
    const e = r.lenEnd();
    span(r, e, resource, tail, out);
    r.pos = e;
  }
}

/** The hot attributes of a span (the first of each key, as `lookup` finds it). */
class Hot {
  method: string | undefined; path: string | undefined; status: string | undefined; substatus: string | undefined;
  hresult: string | undefined; errno: string | undefined; npRetry: string | undefined; workerPid: string | undefined;
  processPid: string | undefined; nodePid: string | undefined;

  clear(): void {
    this.method = undefined; this.path = undefined; this.status = undefined; this.substatus = undefined;
    this.hresult = undefined; this.errno = undefined; this.npRetry = undefined; this.workerPid = undefined;
    this.processPid = undefined; this.nodePid = undefined;
  }

  see(key: string, value: string): void {
    switch (key) {
      case 'http.request.method': this.method ??= value; break;
      case 'url.path': this.path ??= value; break;
      case 'http.response.status_code': this.status ??= value; break;
      case 'iisnode.substatus': this.substatus ??= value; break;
      case 'iisnode.hresult': this.hresult ??= value; break;
      case 'iisnode.errno': this.errno ??= value; break;
      case 'iisnode.np_retry': this.npRetry ??= value; break;
      case 'iisnode.worker_pid': this.workerPid ??= value; break;
      case 'process.pid': this.processPid ??= value; break;
      case 'iisnode.node_pid': this.nodePid ??= value; break;
      default:
    }
  }
}

const hot = new Hot();

function span(r: WireReader, end: number, resource: ResourcePart, tail: string, out: Output): void {
  let traceId = ''; let spanId = ''; let parent = ''; let traceState = ''; let name = '';
  let kind = 0; let statusCode = 0; let statusMessage = '';
  let sLo = 0; let sHi = 0; let eLo = 0; let eHi = 0;
  const attrs: AttributeArrays = { keys: [], values: [] };
  let events = NO_EVENTS;
  let links = NO_LINKS;
  let eventList: Nested | undefined;
  let linkList: Nested | undefined;
  hot.clear();
  while (r.pos < end) {
    const tag = r.uint32();
    const type = tag & 7;
    switch (tag >>> 3) {
      case 1: traceId = readHex(r, type); break;
      case 2: spanId = readHex(r, type); break;
      case 3: traceState = readString(r, type); break;
      case 4: parent = readHex(r, type); break;
      case 5: name = readString(r, type); break;
      case 6: wire(type, VARINT); kind = r.uint32() | 0; break;
      case 7: wire(type, I64); r.fixed64(); sLo = r.lo; sHi = r.hi; break;
      case 8: wire(type, I64); r.fixed64(); eLo = r.lo; eHi = r.hi; break;
      case 9: {
        const kv = readAttribute(r, type, attrs);
        hot.see(kv.key, kv.value);
        break;
      }
      case 11: wire(type, LEN); event(r, r.lenEnd(), (eventList ??= nested(4))); break;
      case 13: wire(type, LEN); link(r, r.lenEnd(), (linkList ??= nested(5))); break;
      case 15: {
        wire(type, LEN);
        const e = r.lenEnd();
        while (r.pos < e) {
          const t = r.uint32();
          if (t >>> 3 === 2) statusMessage = readString(r, t & 7);
          else if (t >>> 3 === 3 && (t & 7) === VARINT) statusCode = r.uint32() | 0;
          else r.skip(t & 7);
        }
        break;
      }
      default: r.skip(type);
    }
  }
  if (r.pos !== end) throw new WireError('field beyond the end of its message');
  if (eventList) {
    const [times, names, keys, values] = eventList as [string[], string[], string[][], string[][]];
    events = `${tsvNumbers(times)}\t${tsvArray(names)}\t${tsvArrays(keys)}\t${tsvArrays(values)}`;
  }
  if (linkList) {
    const [traces, spans, states, keys, values] = linkList as [string[], string[], string[], string[][], string[][]];
    links = `${tsvArray(traces)}\t${tsvArray(spans)}\t${tsvArray(states)}\t${tsvArrays(keys)}\t${tsvArrays(values)}`;
  }
  const { q: startSeconds } = divBillion(sLo, sHi);
  const start = dateTimeOfSeconds(startSeconds);
  const seq = out.spans.length;
  const hostPid = uintOf(hot.workerPid ?? hot.processPid ?? resource.processPid, U32);
  const workerPid = uintOf(hot.nodePid ?? resource.nodePid, U32);
  const line = `${start.text}\t${u64Text(sLo, sHi)}\t${duration(sLo, sHi, eLo, eHi)}\t${traceId}\t${spanId}\t${parent}\t`
    + `${tsvEscape(traceState)}\t${tsvEscape(name)}\t${u8(kind)}\t${u8(statusCode)}\t${tsvEscape(statusMessage)}\t`
    + `${hostPid}\t${workerPid}\t${tsvEscape(hot.method ?? '')}\t${tsvEscape(hot.path ?? '')}\t`
    + `${uintOf(hot.status, U16)}\t${uintOf(hot.substatus, U16)}\t${int64Of(hot.hresult ?? hot.errno)}\t${uintOf(hot.npRetry, U16)}\t`
    + `${tsvArray(attrs.keys)}\t${tsvArray(attrs.values)}\t${events}\t${links}\t${tail}${seq}`;
  append(out, line);
  out.spans.push({ table: 'spans', seq, time: start.seconds, spanKey: traceId + spanId, line: '' });
  if (LIFECYCLE.has(name)) {
    // Rare: the worker event row is built from a decoded-shaped span, as for any other source.
    const shaped: Span = {
      name, traceId: Buffer.from(traceId, 'hex'), spanId: Buffer.from(spanId, 'hex'),
      startTimeUnixNano: u64Text(sLo, sHi), endTimeUnixNano: u64Text(eLo, eHi),
    };
    const worker = workerEventRow(shaped, attrs, resource.columns, out.src, out.workers.length, seq);
    if (worker) out.workers.push(worker);
  }
}

type Nested = unknown[][];

function nested(columns: number): Nested {
  return Array.from({ length: columns }, () => []);
}

/** Event: time 1, name 2, attributes 3. */
function event(r: WireReader, end: number, into: Nested): void {
  let lo = 0; let hi = 0; let name = '';
  const attrs: AttributeArrays = { keys: [], values: [] };
  while (r.pos < end) {
    const tag = r.uint32();
    const type = tag & 7;
    if (tag >>> 3 === 1) { wire(type, I64); r.fixed64(); lo = r.lo; hi = r.hi; } else if (tag >>> 3 === 2) name = readString(r, type);
    else if (tag >>> 3 === 3) readAttribute(r, type, attrs);
    else r.skip(type);
  }
  if (r.pos !== end) throw new WireError('field beyond the end of its message');
  (into[0] as string[]).push(u64Text(lo, hi));
  (into[1] as string[]).push(name);
  (into[2] as string[][]).push(attrs.keys);
  (into[3] as string[][]).push(attrs.values);
}

/** Link: trace id 1, span id 2, trace state 3, attributes 4. */
function link(r: WireReader, end: number, into: Nested): void {
  let trace = ''; let spanId = ''; let state = '';
  const attrs: AttributeArrays = { keys: [], values: [] };
  while (r.pos < end) {
    const tag = r.uint32();
    const type = tag & 7;
    switch (tag >>> 3) {
      case 1: trace = readHex(r, type); break;
      case 2: spanId = readHex(r, type); break;
      case 3: state = readString(r, type); break;
      case 4: readAttribute(r, type, attrs); break;
      default: r.skip(type);
    }
  }
  if (r.pos !== end) throw new WireError('field beyond the end of its message');
  (into[0] as string[]).push(trace);
  (into[1] as string[]).push(spanId);
  (into[2] as string[]).push(state);
  (into[3] as string[][]).push(attrs.keys);
  (into[4] as string[][]).push(attrs.values);
}

function wire(type: number, want: number): void {
  if (type !== want) throw new WireError('wrong wire type');
}

/** end - start in nanoseconds as decimal text; 0 when the span ends before it starts. */
function duration(sLo: number, sHi: number, eLo: number, eHi: number): string {
  let hi = eHi - sHi;
  let lo = eLo - sLo;
  if (lo < 0) { lo += 4294967296; hi -= 1; }
  return hi < 0 ? '0' : u64Text(lo, hi);
}

function u8(v: number): number {
  return v >= 0 && v <= 255 ? v : 0;
}
