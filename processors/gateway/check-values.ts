import { isUtf8 } from 'node:buffer';
import { I64, LEN, VARINT, WireError } from '../otlp/wire.ts';
import type { WireReader } from '../otlp/wire.ts';

/**
 * Checks of the OTLP sub-messages the gateway passes on as bytes (attributes, resources, scopes): well-formed,
 * strings valid UTF-8 (protobufjs rejects the others), and nothing the decoding path would change. A value
 * longer than `max` bytes would be truncated there, so it throws {@link WireError} too: the caller then takes
 * the decoding path, which truncates and reports it. Each check reads a message from `r.pos` to `end` and
 * leaves `r.pos` at `end`.
 */

/** Nesting beyond this goes the decoding path (which has its own limit). */
const MAX_DEPTH = 16;

/** Throws unless `buf[start, end)` is valid UTF-8 (ASCII is checked here, the rest natively). */
export function checkUtf8(buf: Uint8Array, start: number, end: number): void {
  for (let i = start; i < end; i += 1) {
    if ((buf[i] as number) >= 0x80) {
      if (!isUtf8(buf.subarray(start, end))) throw new WireError('invalid UTF-8');
      return;
    }
  }
}

/** A string field's value (the tag is read): length-delimited, valid UTF-8. Returns its byte length. */
export function checkString(r: WireReader, type: number): number {
  if (type !== LEN) throw new WireError('wrong wire type');
  const end = r.lenEnd();
  const n = end - r.pos;
  checkUtf8(r.buf, r.pos, end);
  r.pos = end;
  return n;
}

export function expectType(type: number, want: number): void {
  if (type !== want) throw new WireError('wrong wire type');
}

/** Throws unless a nested message's fields ended exactly at its length. */
export function endsAt(r: WireReader, end: number): void {
  if (r.pos !== end) throw new WireError('field beyond the end of its message');
}

/** A `KeyValue` message. */
function checkKeyValue(r: WireReader, end: number, max: number, depth: number): void {
  if (depth > MAX_DEPTH) throw new WireError('nested too deep');
  while (r.pos < end) {
    const tag = r.uint32();
    const type = tag & 7;
    if (tag >>> 3 === 1) checkString(r, type);
    else if (tag >>> 3 === 2) {
      expectType(type, LEN);
      checkAnyValue(r, r.lenEnd(), max, depth + 1);
    } else r.skip(type);
  }
  endsAt(r, end);
}

/** An `AnyValue` message. */
function checkAnyValue(r: WireReader, end: number, max: number, depth: number): void {
  if (depth > MAX_DEPTH) throw new WireError('nested too deep');
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const type = tag & 7;
    switch (field) {
      case 1:
        if (checkString(r, type) > max) throw new WireError('value to truncate');
        break;
      case 2: case 3: expectType(type, VARINT); r.skip(type); break;
      case 4: expectType(type, I64); r.skip(type); break;
      case 5: case 6:
        expectType(type, LEN);
        checkList(r, r.lenEnd(), field === 5, max, depth + 1);
        break;
      case 7: {
        expectType(type, LEN);
        const e = r.lenEnd();
        if (e - r.pos > max) throw new WireError('value to truncate');
        r.pos = e;
        break;
      }
      default: r.skip(type);
    }
  }
  endsAt(r, end);
}

/** An `ArrayValue` (`anyValues`) or a `KeyValueList`. */
function checkList(r: WireReader, end: number, anyValues: boolean, max: number, depth: number): void {
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 !== 1) { r.skip(tag & 7); continue; }
    expectType(tag & 7, LEN);
    if (anyValues) checkAnyValue(r, r.lenEnd(), max, depth);
    else checkKeyValue(r, r.lenEnd(), max, depth);
  }
  endsAt(r, end);
}

/** The value of a repeated `KeyValue` field (the tag is read). */
export function checkAttribute(r: WireReader, type: number, max: number): void {
  expectType(type, LEN);
  checkKeyValue(r, r.lenEnd(), max, 0);
}

/** A `Resource`: attributes 1, dropped count 2, entity refs 3 (four string fields each). */
export function checkResource(r: WireReader, end: number, max: number): void {
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const type = tag & 7;
    if (field === 1) checkAttribute(r, type, max);
    else if (field === 2) { expectType(type, VARINT); r.skip(type); } else if (field === 3) {
      expectType(type, LEN);
      const e = r.lenEnd();
      while (r.pos < e) {
        const t = r.uint32();
        if (t >>> 3 >= 1 && t >>> 3 <= 4) checkString(r, t & 7);
        else r.skip(t & 7);
      }
      endsAt(r, e);
    } else r.skip(type);
  }
  endsAt(r, end);
}

/** An `InstrumentationScope`: name 1, version 2, attributes 3, dropped count 4. */
export function checkScope(r: WireReader, end: number, max: number): void {
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const type = tag & 7;
    if (field === 1 || field === 2) checkString(r, type);
    else if (field === 3) checkAttribute(r, type, max);
    else if (field === 4) { expectType(type, VARINT); r.skip(type); } else r.skip(type);
  }
  endsAt(r, end);
}
