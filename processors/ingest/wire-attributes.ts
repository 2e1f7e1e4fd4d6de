import { i64Text, I64, LEN, VARINT, WireError } from '../otlp/wire.ts';
import type { WireReader } from '../otlp/wire.ts';
import type { AttributeArrays } from './attributes.ts';

/**
 * Attributes read straight from protobuf bytes into the key/value string arrays of the ClickHouse tables, with
 * the same text for each value as `anyValueToString` (attributes.ts) gives a decoded message.
 */

/** Nesting of array and key-value list values beyond this is refused (the gateway's decoder limits it too). */
const MAX_DEPTH = 64;

/**
 * Short strings seen before (attribute keys, and values such as methods, paths and names, which repeat from span
 * to span) come from a direct-mapped cache keyed by their bytes: comparing a few bytes is cheaper than decoding
 * them into a new string, and makes no garbage. A slot holds a copy of its bytes, never a view of a record.
 */
const SLOTS = 4096;
const MAX_CACHED_BYTES = 64;
const slotBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(SLOTS).fill(undefined);
const slotText: string[] = new Array<string>(SLOTS).fill('');

/** Reads a string field's value (the tag is read). */
export function readString(r: WireReader, type: number): string {
  if (type !== LEN) throw new WireError('wrong wire type for a string');
  const end = r.lenEnd();
  const start = r.pos;
  r.pos = end;
  const n = end - start;
  if (n === 0) return '';
  const buf = r.buf as Buffer;
  if (n > MAX_CACHED_BYTES) return buf.toString('utf8', start, end);
  let h = n;
  for (let i = start; i < end; i += 1) h = Math.imul(h ^ (buf[i] as number), 0x01000193);
  const slot = (h ^ (h >>> 15)) & (SLOTS - 1);
  const cached = slotBytes[slot];
  if (cached !== undefined && cached.length === n) {
    let i = 0;
    while (i < n && cached[i] === buf[start + i]) i += 1;
    if (i === n) return slotText[slot] as string;
  }
  const text = buf.toString('utf8', start, end);
  slotBytes[slot] = new Uint8Array(buf.subarray(start, end));
  slotText[slot] = text;
  return text;
}

/** Reads a bytes field's value as lowercase hex (ids). */
export function readHex(r: WireReader, type: number): string {
  if (type !== LEN) throw new WireError('wrong wire type for bytes');
  const end = r.lenEnd();
  const start = r.pos;
  r.pos = end;
  return start === end ? '' : (r.buf as Buffer).toString('hex', start, end);
}

/** The text of the `AnyValue` message ending at `end`. */
export function anyValueText(r: WireReader, end: number, depth = 0): string {
  if (depth > MAX_DEPTH) throw new WireError('values nested too deep');
  let text = '';
  while (r.pos < end) {
    const tag = r.uint32();
    const type = tag & 7;
    switch (tag >>> 3) {
      case 1: text = readString(r, type); break;
      case 2: expect(type, VARINT); r.varint64(); text = r.lo !== 0 || r.hi !== 0 ? 'true' : 'false'; break;
      case 3: expect(type, VARINT); r.varint64(); text = i64Text(r.lo, r.hi); break;
      case 4: expect(type, I64); text = String(r.double()); break;
      case 5: case 6: {
        expect(type, LEN);
        const listEnd = r.lenEnd();
        text = tag >>> 3 === 5 ? JSON.stringify(arrayItems(r, listEnd, depth + 1))
          : JSON.stringify(Object.fromEntries(kvEntries(r, listEnd, depth + 1)));
        break;
      }
      case 7: {
        expect(type, LEN);
        const e = r.lenEnd();
        text = (r.buf as Buffer).toString('base64', r.pos, e);
        r.pos = e;
        break;
      }
      default: r.skip(type);
    }
  }
  if (r.pos !== end) throw new WireError('field beyond the end of its message');
  return text;
}

function expect(type: number, want: number): void {
  if (type !== want) throw new WireError('wrong wire type');
}

function arrayItems(r: WireReader, end: number, depth: number): string[] {
  const out: string[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 !== 1) { r.skip(tag & 7); continue; }
    expect(tag & 7, LEN);
    out.push(anyValueText(r, r.lenEnd(), depth));
  }
  return out;
}

function kvEntries(r: WireReader, end: number, depth: number): [string, string][] {
  const out: [string, string][] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 !== 1) { r.skip(tag & 7); continue; }
    expect(tag & 7, LEN);
    const kvEnd = r.lenEnd();
    const kv = keyValue(r, kvEnd, depth);
    out.push([kv.key, kv.value]);
  }
  return out;
}

const scratch = { key: '', value: '' };

/** The key and value text of the `KeyValue` message ending at `end` (a shared object: copy what you keep). */
export function keyValue(r: WireReader, end: number, depth = 0): { key: string; value: string } {
  let key = '';
  let value = '';
  while (r.pos < end) {
    const tag = r.uint32();
    const type = tag & 7;
    if (tag >>> 3 === 1) key = readString(r, type);
    else if (tag >>> 3 === 2) {
      expect(type, LEN);
      value = anyValueText(r, r.lenEnd(), depth);
    } else r.skip(type);
  }
  if (r.pos !== end) throw new WireError('field beyond the end of its message');
  scratch.key = key;
  scratch.value = value;
  return scratch;
}

/** Appends the attribute of a repeated `KeyValue` field (the tag is read) to `into`; returns its key and value. */
export function readAttribute(r: WireReader, type: number, into: AttributeArrays): { key: string; value: string } {
  expect(type, LEN);
  const kv = keyValue(r, r.lenEnd());
  into.keys.push(kv.key);
  into.values.push(kv.value);
  return kv;
}
