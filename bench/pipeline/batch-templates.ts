/**
 * Cheaper load: encoding a 1,000-span batch with the collector's writer cost the generator about 3 µs per span,
 * on the same two cores as the pipeline it measures. Instead, a few batches are encoded once (by the same
 * writer, so the bytes are still a host's) and each send copies one of them with fresh trace and span ids
 * (parents follow their spans) and its times moved to now. The spans differ between templates as they do
 * between requests of a host; only the cycle repeats.
 */
import { randomFillSync } from 'node:crypto';
import { WireReader } from '../../processors/otlp/wire.ts';
import type { EncodedBatch } from './host-spans.ts';

interface Template {
  readonly body: Buffer;
  readonly spans: number;
  /** When the template's spans ended, ms. */
  readonly endMs: number;
  /** Offsets of each id's bytes, grouped by the id they hold: every group gets one fresh id per copy. */
  readonly traceGroups: number[][];
  readonly spanGroups: number[][];
  /** Offsets of the fixed64 start and end times. */
  readonly times: number[];
}

/** Reads where the ids and times of every span are (fields 1, 2, 4, 7, 8 of Span) in an ExportTraceServiceRequest. */
function locate(body: Buffer, spans: number, endMs: number): Template {
  const traces = new Map<string, number[]>();
  const spanIds = new Map<string, number[]>();
  const times: number[] = [];
  const add = (map: Map<string, number[]>, key: string, at: number): void => {
    const list = map.get(key);
    if (list) list.push(at);
    else map.set(key, [at]);
  };
  const within = (r: WireReader, end: number, field: number, visit: (end: number) => void): void => {
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag >>> 3 === field && (tag & 7) === 2) {
        const e = r.lenEnd();
        visit(e);
        r.pos = e;
      } else r.skip(tag & 7);
    }
  };
  const r = new WireReader(body);
  within(r, body.length, 1, (rsEnd) => within(r, rsEnd, 2, (ssEnd) => within(r, ssEnd, 2, (spanEnd) => {
    while (r.pos < spanEnd) {
      const tag = r.uint32();
      const field = tag >>> 3;
      if (field === 1 || field === 2 || field === 4) {
        const e = r.lenEnd();
        if (e > r.pos) add(field === 1 ? traces : spanIds, body.toString('hex', r.pos, e), r.pos);
        r.pos = e;
      } else if (field === 7 || field === 8) {
        times.push(r.pos);
        r.pos += 8;
      } else r.skip(tag & 7);
    }
  })));
  return { body, spans, endMs, traceGroups: [...traces.values()], spanGroups: [...spanIds.values()], times };
}

/** Adds `deltaNs` (an integer, |delta| < 2^53) to the little-endian unsigned 64-bit value at `at`. */
function addNs(buf: Buffer, at: number, deltaNs: number): void {
  const value = buf.readBigUInt64LE(at) + BigInt(deltaNs);
  buf.writeBigUInt64LE(value, at);
}

/** Batches of about `spans` spans, copied from `count` templates made by `make`, with fresh ids, ending now. */
export function createBatchTemplates(make: () => EncodedBatch, count: number): () => EncodedBatch {
  const templates: Template[] = [];
  for (let i = 0; i < count; i += 1) {
    const endMs = Date.now();
    const batch = make();
    templates.push(locate(Buffer.from(batch.body), batch.spans, endMs));
  }
  let next = 0;
  return () => {
    const t = templates[next] as Template;
    next = (next + 1) % templates.length;
    const body = Buffer.from(t.body);
    const ids = randomFillSync(Buffer.allocUnsafe(t.traceGroups.length * 16 + t.spanGroups.length * 8));
    let at = 0;
    for (const group of t.traceGroups) {
      for (const offset of group) ids.copy(body, offset, at, at + 16);
      at += 16;
    }
    for (const group of t.spanGroups) {
      for (const offset of group) ids.copy(body, offset, at, at + 8);
      at += 8;
    }
    const deltaNs = (Date.now() - t.endMs) * 1_000_000;
    for (const offset of t.times) addNs(body, offset, deltaNs);
    return { body, spans: t.spans };
  };
}
