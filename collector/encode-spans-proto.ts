import { ProtoSpanBuffer } from './proto-span-buffer.ts';
import type { AttrValue, SpanRecord } from './span-record.ts';

export { ProtoSpanBuffer } from './proto-span-buffer.ts';
export { writeSpan } from './span-proto.ts';

/** Encodes an ExportTraceServiceRequest for `spans` at once (one ResourceSpans per app). */
export function encodeSpansProto(spans: readonly SpanRecord[], resourceOf: (app: string) => Readonly<Record<string, AttrValue>>): Uint8Array {
  const b = new ProtoSpanBuffer();
  for (const s of spans) b.add(s);
  return b.seal(resourceOf);
}
