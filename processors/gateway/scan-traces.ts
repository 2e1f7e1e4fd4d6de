import type { OutgoingRecord } from '../kafka/batching-producer.ts';
import { murmur2 } from '../kafka/key-partition.ts';
import { I32, I64, LEN, VARINT, WireError, WireReader } from '../otlp/wire.ts';
import { checkAttribute, checkResource, checkScope, checkString, endsAt, expectType } from './check-values.ts';
import type { ItemRules } from './item-rules.ts';
import { recordHeaders } from './record-headers.ts';

/** The fields of a message that are copied as they came: `[start, end)` byte ranges, tags included. */
type Ranges = number[];

interface ScopeInfo {
  readonly resource: number;
  readonly other: Ranges;
  otherBytes: number;
}

interface ResourceInfo {
  readonly other: Ranges;
  otherBytes: number;
}

/** What the scan found: per span its bytes, scope and partition. */
interface Scan {
  readonly resources: ResourceInfo[];
  readonly scopes: ScopeInfo[];
  spanStart: number[];
  spanEnd: number[];
  spanScope: number[];
  spanGroup: number[];
  /** Per partition: the key of the record (the first trace id seen there). */
  readonly keys: (string | undefined)[];
  /** The partitions in the order their first span came. */
  readonly order: number[];
}

const headers = recordHeaders('traces');
const hexScratch = new Uint8Array(32);
const HEX = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/**
 * The gateway's fast path for protobuf trace exports: reads the wire format directly, checks every span as
 * `filterSpans` would, and copies each span's bytes, unchanged, into one record per partition (grouped as
 * `spansToRecords` groups them, with the same keys). Returns undefined whenever the request needs more than
 * that (a span to reject, a value to truncate, a record over `maxMessageBytes`, anything malformed or unusual);
 * the caller then takes the decoding path, which answers exactly as before. The records decode to the same
 * messages that path would produce.
 */
export function scanTraces(body: Uint8Array, rules: ItemRules, topic: string, maxMessageBytes: number,
  partitions: number): { records: OutgoingRecord[]; spans: number } | undefined {
  let scan: Scan;
  try {
    scan = scanRequest(body, rules, partitions);
  } catch (err) {
    if (err instanceof WireError) return undefined;
    throw err;
  }
  const records: OutgoingRecord[] = [];
  for (const p of scan.order) {
    const key = scan.keys[p] as string;
    const value = encodeGroup(body, scan, p);
    if (value.length > maxMessageBytes) return undefined;
    records.push({ topic, key, value, headers });
  }
  return { records, spans: scan.spanStart.length };
}

function scanRequest(body: Uint8Array, rules: ItemRules, partitions: number): Scan {
  const r = new WireReader(body);
  const scan: Scan = { resources: [], scopes: [], spanStart: [], spanEnd: [], spanScope: [], spanGroup: [], keys: [], order: [] };
  const minNs = Number(rules.minTimeNs);
  const maxNs = Number(rules.maxTimeNs);
  const max = rules.maxAttributeValueBytes;
  let lastTrace = -1;
  let lastGroup = 0;
  while (r.pos < r.end) {
    const tag = r.uint32();
    if (tag >>> 3 !== 1) { r.skip(tag & 7); continue; }
    expectType(tag & 7, LEN);
    const rsEnd = r.lenEnd();
    const resource: ResourceInfo = { other: [], otherBytes: 0 };
    const resourceIndex = scan.resources.length;
    scan.resources.push(resource);
    while (r.pos < rsEnd) {
      const fieldStart = r.pos;
      const t = r.uint32();
      const field = t >>> 3;
      if (field === 2) {
        expectType(t & 7, LEN);
        const ssEnd = r.lenEnd();
        const scope: ScopeInfo = { resource: resourceIndex, other: [], otherBytes: 0 };
        const scopeIndex = scan.scopes.length;
        scan.scopes.push(scope);
        while (r.pos < ssEnd) {
          const scopeFieldStart = r.pos;
          const st = r.uint32();
          if (st >>> 3 === 2) {
            expectType(st & 7, LEN);
            const spanEnd = r.lenEnd();
            const spanStart = r.pos;
            const traceAt = checkSpan(r, spanEnd, minNs, maxNs, rules, max);
            if (lastTrace < 0 || !sameId(body, traceAt, lastTrace)) {
              lastGroup = partitionOf(body, traceAt, partitions);
              lastTrace = traceAt;
              if (scan.keys[lastGroup] === undefined) {
                scan.keys[lastGroup] = Buffer.from(hexScratch).toString('latin1');
                scan.order.push(lastGroup);
              }
            }
            scan.spanStart.push(spanStart);
            scan.spanEnd.push(spanEnd);
            scan.spanScope.push(scopeIndex);
            scan.spanGroup.push(lastGroup);
            continue;
          }
          if (st >>> 3 === 1) {
            expectType(st & 7, LEN);
            checkScope(r, r.lenEnd(), max);
          } else if (st >>> 3 === 3) checkString(r, st & 7);
          else r.skip(st & 7);
          scope.other.push(scopeFieldStart, r.pos);
          scope.otherBytes += r.pos - scopeFieldStart;
        }
        endsAt(r, ssEnd);
        continue;
      }
      if (field === 1) {
        expectType(t & 7, LEN);
        checkResource(r, r.lenEnd(), max);
      } else if (field === 3) checkString(r, t & 7);
      else r.skip(t & 7);
      resource.other.push(fieldStart, r.pos);
      resource.otherBytes += r.pos - fieldStart;
    }
    endsAt(r, rsEnd);
  }
  return scan;
}

/**
 * Checks one span as `filterSpans` does (ids, time window, end not before start, values not to truncate) and
 * the well-formedness of everything in it. Returns the offset of its trace id.
 */
function checkSpan(r: WireReader, end: number, minNs: number, maxNs: number, rules: ItemRules, max: number): number {
  let trace = -1; let traceLen = 0;
  let spanId = -1; let spanLen = 0;
  let parent = -1; let parentLen = 0;
  let sLo = 0; let sHi = 0; let eLo = 0; let eHi = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    const type = tag & 7;
    switch (tag >>> 3) {
      case 1: case 2: case 4: {
        expectType(type, LEN);
        const e = r.lenEnd();
        const field = tag >>> 3;
        if (field === 1) { trace = r.pos; traceLen = e - r.pos; } else if (field === 2) { spanId = r.pos; spanLen = e - r.pos; } else { parent = r.pos; parentLen = e - r.pos; }
        r.pos = e;
        break;
      }
      case 3: case 5: checkString(r, type); break;
      case 6: case 10: case 12: case 14: expectType(type, VARINT); r.skip(type); break;
      case 7: expectType(type, I64); r.fixed64(); sLo = r.lo; sHi = r.hi; break;
      case 8: expectType(type, I64); r.fixed64(); eLo = r.lo; eHi = r.hi; break;
      case 9: checkAttribute(r, type, max); break;
      case 11: case 13: {
        expectType(type, LEN);
        checkEventOrLink(r, r.lenEnd(), tag >>> 3 === 13, max);
        break;
      }
      case 15: {
        expectType(type, LEN);
        const e = r.lenEnd();
        while (r.pos < e) {
          const t = r.uint32();
          if (t >>> 3 === 2) checkString(r, t & 7);
          else if (t >>> 3 === 3) { expectType(t & 7, VARINT); r.skip(VARINT); } else r.skip(t & 7);
        }
        endsAt(r, e);
        break;
      }
      case 16: expectType(type, I32); r.skip(type); break;
      default: r.skip(type);
    }
  }
  endsAt(r, end);
  const buf = r.buf;
  if (traceLen !== 16 || allZero(buf, trace, 16)) throw new WireError('span to reject');
  if (spanLen !== 8 || allZero(buf, spanId, 8)) throw new WireError('span to reject');
  if (parentLen > 0 && (parentLen !== 8 || allZero(buf, parent, 8))) throw new WireError('span to reject');
  if (!inWindow(sLo, sHi, minNs, maxNs, rules)) throw new WireError('span to reject');
  if (eHi < sHi || (eHi === sHi && eLo < sLo)) throw new WireError('span to reject');
  return trace;
}

/** Event: time 1, name 2, attributes 3, dropped 4. Link: trace id 1, span id 2, trace state 3, attributes 4, dropped 5, flags 6. */
function checkEventOrLink(r: WireReader, end: number, link: boolean, max: number): void {
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const type = tag & 7;
    if (link) {
      if (field === 1 || field === 2) { expectType(type, LEN); r.skip(type); } else if (field === 3) checkString(r, type);
      else if (field === 4) checkAttribute(r, type, max);
      else if (field === 5) { expectType(type, VARINT); r.skip(type); } else if (field === 6) { expectType(type, I32); r.skip(type); } else r.skip(type);
    } else if (field === 1) { expectType(type, I64); r.skip(type); } else if (field === 2) checkString(r, type);
    else if (field === 3) checkAttribute(r, type, max);
    else if (field === 4) { expectType(type, VARINT); r.skip(type); } else r.skip(type);
  }
  endsAt(r, end);
}

function allZero(buf: Uint8Array, at: number, n: number): boolean {
  let or = 0;
  for (let i = 0; i < n; i += 1) or |= buf[at + i] as number;
  return or === 0;
}

function sameId(buf: Uint8Array, a: number, b: number): boolean {
  for (let i = 0; i < 16; i += 1) if (buf[a + i] !== buf[b + i]) return false;
  return true;
}

/** The start time against the accepted window; doubles decide unless the value is within 2^14 ns of an edge. */
function inWindow(lo: number, hi: number, minNs: number, maxNs: number, rules: ItemRules): boolean {
  const approx = hi * 4294967296 + lo;
  const slack = 16_384;
  if (approx > minNs + slack && approx < maxNs - slack) return true;
  if (approx < minNs - slack || approx > maxNs + slack) return false;
  const exact = (BigInt(hi) << 32n) | BigInt(lo);
  return exact >= rules.minTimeNs && exact <= rules.maxTimeNs;
}

/** The partition of the trace id at `at` as a hex key (Kafka's murmur2), leaving the hex in `hexScratch`. */
function partitionOf(buf: Uint8Array, at: number, partitions: number): number {
  for (let i = 0; i < 16; i += 1) {
    const b = buf[at + i] as number;
    hexScratch[2 * i] = HEX[b >>> 4] as number;
    hexScratch[2 * i + 1] = HEX[b & 15] as number;
  }
  return (murmur2(hexScratch) & 0x7fffffff) % partitions;
}

function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

function writeVarint(out: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    out[pos++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  out[pos++] = n;
  return pos;
}

function copyRanges(body: Uint8Array, ranges: Ranges, out: Uint8Array, pos: number): number {
  for (let i = 0; i < ranges.length; i += 2) {
    const s = ranges[i] as number;
    const e = ranges[i + 1] as number;
    out.set(body.subarray(s, e), pos);
    pos += e - s;
  }
  return pos;
}

/** The ExportTraceServiceRequest holding the spans of group `g`, under copies of their resources and scopes. */
function encodeGroup(body: Uint8Array, scan: Scan, g: number): Buffer {
  const { scopes, resources, spanStart, spanEnd, spanScope, spanGroup } = scan;
  const scopeBytes = new Array<number>(scopes.length).fill(0);
  const resourceBytes = new Array<number>(resources.length).fill(0);
  const n = spanStart.length;
  for (let i = 0; i < n; i += 1) {
    if (spanGroup[i] !== g) continue;
    const len = (spanEnd[i] as number) - (spanStart[i] as number);
    const s = spanScope[i] as number;
    scopeBytes[s] = (scopeBytes[s] as number) + 1 + varintSize(len) + len;
  }
  let total = 0;
  for (let s = 0; s < scopes.length; s += 1) {
    const spans = scopeBytes[s] as number;
    if (spans === 0) continue;
    const scope = scopes[s] as ScopeInfo;
    const content = spans + scope.otherBytes;
    scopeBytes[s] = content;
    resourceBytes[scope.resource] = (resourceBytes[scope.resource] as number) + 1 + varintSize(content) + content;
  }
  for (let i = 0; i < resources.length; i += 1) {
    const spans = resourceBytes[i] as number;
    if (spans === 0) continue;
    const content = spans + (resources[i] as ResourceInfo).otherBytes;
    resourceBytes[i] = content;
    total += 1 + varintSize(content) + content;
  }
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  let openScope = -1;
  let openResource = -1;
  for (let i = 0; i < n; i += 1) {
    if (spanGroup[i] !== g) continue;
    const s = spanScope[i] as number;
    if (s !== openScope) {
      const scope = scopes[s] as ScopeInfo;
      if (scope.resource !== openResource) {
        openResource = scope.resource;
        out[pos++] = 0x0a; // resource_spans = 1, LEN
        pos = writeVarint(out, pos, resourceBytes[openResource] as number);
        pos = copyRanges(body, (resources[openResource] as ResourceInfo).other, out, pos);
      }
      openScope = s;
      out[pos++] = 0x12; // scope_spans = 2, LEN
      pos = writeVarint(out, pos, scopeBytes[s] as number);
      pos = copyRanges(body, scope.other, out, pos);
    }
    const start = spanStart[i] as number;
    const end = spanEnd[i] as number;
    out[pos++] = 0x12; // spans = 2, LEN
    pos = writeVarint(out, pos, end - start);
    out.set(body.subarray(start, end), pos);
    pos += end - start;
  }
  if (pos !== total) throw new Error(`record size mismatch: ${pos} != ${total}`);
  return out;
}
