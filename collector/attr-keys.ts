import { ProtoWriter } from './proto-writer.ts';
import { ATTR } from './semconv.ts';

/** An attribute key with its protobuf `KeyValue.key` field (tag, length, UTF-8) encoded once. */
export interface AttrKey {
  readonly name: string;
  readonly field: Uint8Array;
}

// Keys come from a fixed vocabulary (semconv.ts, resource attributes). Bounded, so that odd keys of records
// cannot grow it without limit; those are encoded each time.
const cache = new Map<string, AttrKey>();
const MAX_CACHED_KEYS = 1024;

/** The encoded key of `name`. */
export function attrKey(name: string): AttrKey {
  let key = cache.get(name);
  if (key === undefined) {
    const w = new ProtoWriter(Buffer.byteLength(name) + 8);
    w.string(1, name); // KeyValue.key
    key = { name, field: Uint8Array.prototype.slice.call(w.finish()) };
    if (cache.size < MAX_CACHED_KEYS) cache.set(name, key);
  }
  return key;
}

/** Every span attribute key of semconv.ts's ATTR, encoded: what the request path passes to a SpanSink. */
export const KEY = Object.fromEntries(Object.entries(ATTR).map(([k, name]) => [k, attrKey(name)])) as
  { readonly [P in keyof typeof ATTR]: AttrKey };
