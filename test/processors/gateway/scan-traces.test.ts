/**
 * The gateway's fast path for protobuf trace exports against its decoding path: same records (decoded), same
 * keys, same span count, and a fallback (undefined) for everything the decoding path would change or refuse.
 */
import { scanTraces } from '../../../processors/gateway/scan-traces.ts';
import { spansToRecords } from '../../../processors/gateway/spans-to-records.ts';
import { filterSpans } from '../../../processors/gateway/filter-spans.ts';
import { itemRules, RejectionTally } from '../../../processors/gateway/item-rules.ts';
import { otlpSchema } from '../../../processors/otlp/otlp-schema.ts';
import type { TracesRequest } from '../../../processors/otlp/types.ts';
import { nowNs, spanId, toProtobuf, traceId, tracesJson } from '../otlp/otlp-builders.ts';

const MAX_VALUE = 64;
const rules = () => itemRules(Date.now(), 3_600_000, 600_000, MAX_VALUE);

function decodeObject(bytes: Uint8Array): unknown {
  const type = otlpSchema().ExportTraceServiceRequest;
  return type.toObject(type.decode(bytes), { longs: String, bytes: String, defaults: false });
}

/** Both paths over the same body: the records decoded, with their keys. */
function bothPaths(body: Uint8Array, partitions: number, maxBytes = 1_000_000) {
  const fast = scanTraces(body, rules(), 't', maxBytes, partitions);
  const type = otlpSchema().ExportTraceServiceRequest;
  const request = type.decode(body) as unknown as TracesRequest;
  const tally = new RejectionTally();
  filterSpans(request, rules(), tally);
  const slow = spansToRecords(request, 't', maxBytes, tally, partitions);
  const view = (r: { records: { key: string | null; value: Uint8Array; headers?: unknown }[]; spans: number }) => ({
    spans: r.spans, records: r.records.map((x) => ({ key: x.key, headers: x.headers, value: decodeObject(x.value) })),
  });
  return { fast: fast && view(fast), slow: view(slow), tally };
}

/** Two resources, two scopes on the first, many traces, events, links, odd but valid values. */
function richRequest(): Uint8Array {
  const traces = Array.from({ length: 12 }, () => traceId());
  const spans = (service: string) => traces.flatMap((t, i) => [0, 1, 2].map((j) => ({
    traceId: t, spanId: spanId(), ...(j > 0 ? { parentSpanId: spanId() } : {}), name: `${service} ${j} ü\t"x"`,
    kind: j === 0 ? 2 : 1, attributes: { 'http.response.status_code': 200 + i, 'url.path': '/ä/b\\c', ok: true, ratio: 0.25 },
  })));
  const a = tracesJson('api', spans('api')) as { resourceSpans: Record<string, unknown>[] };
  const b = tracesJson('web', spans('web')) as { resourceSpans: Record<string, unknown>[] };
  const first = a.resourceSpans[0] as { scopeSpans: Record<string, unknown>[]; schemaUrl?: string };
  first.schemaUrl = 'https://opentelemetry.io/schemas/1.30.0';
  const scope = first.scopeSpans[0] as { spans: Record<string, unknown>[] };
  const s0 = scope.spans[0] as Record<string, unknown>;
  s0.events = [{ timeUnixNano: nowNs(-900), name: 'retry', attributes: [{ key: 'n', value: { arrayValue: { values: [{ intValue: '-5' }, { stringValue: 'x' }] } } }] }];
  s0.links = [{ traceId: traceId(), spanId: spanId(), traceState: 'a=1', attributes: [{ key: 'kv', value: { kvlistValue: { values: [{ key: 'k', value: { bytesValue: 'AAE=' } }] } } }] }];
  s0.traceState = 'vendor=1';
  first.scopeSpans.push({ scope: { name: 'second', attributes: [{ key: 'k', value: { stringValue: 'v' } }] }, spans: scope.spans.splice(0, 10) });
  return toProtobuf('traces', { resourceSpans: [...a.resourceSpans, ...b.resourceSpans] });
}

describe('Gateway fast path for protobuf traces', () => {
  it('writes the same records as the decoding path, for 1 and 3 partitions', () => {
    const body = richRequest();
    for (const partitions of [1, 3]) {
      const { fast, slow } = bothPaths(body, partitions);
      expect(fast).toBeDefined();
      expect(fast).toEqual(slow);
      expect(fast?.spans).toBe(72);
    }
  });

  it('writes nothing for an empty request or one whose resources hold no spans', () => {
    expect(scanTraces(new Uint8Array(0), rules(), 't', 1_000_000, 3)).toEqual({ records: [], spans: 0 });
    const empty = toProtobuf('traces', { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 's' } }] }] });
    expect(scanTraces(empty, rules(), 't', 1_000_000, 3)).toEqual({ records: [], spans: 0 });
  });

  it('leaves to the decoding path what it would reject, truncate or split', () => {
    const t = traceId();
    const one = (over: Record<string, unknown>) => toProtobuf('traces', tracesJson('api', [{ traceId: t, spanId: spanId(), name: 'x', ...over }]));
    const fine = one({});
    expect(scanTraces(fine, rules(), 't', 1_000_000, 3)).toBeDefined();
    expect(scanTraces(one({ spanId: '0000000000000000' }), rules(), 't', 1_000_000, 3)).toBeUndefined();
    expect(scanTraces(one({ parentSpanId: '00' }), rules(), 't', 1_000_000, 3)).toBeUndefined();
    expect(scanTraces(one({ startNs: '1000' }), rules(), 't', 1_000_000, 3)).toBeUndefined();
    expect(scanTraces(one({ startNs: nowNs(-10), endNs: nowNs(-20) }), rules(), 't', 1_000_000, 3)).toBeUndefined();
    expect(scanTraces(one({ attributes: { long: 'é'.repeat(MAX_VALUE) } }), rules(), 't', 1_000_000, 3)).toBeUndefined();
    expect(scanTraces(one({ attributes: { fits: 'é'.repeat(MAX_VALUE / 2) } }), rules(), 't', 1_000_000, 3)).toBeDefined();
    expect(scanTraces(fine, rules(), 't', 50, 3)).toBeUndefined();
  });

  it('leaves malformed bytes to the decoding path', () => {
    const body = Buffer.from(richRequest());
    expect(scanTraces(body.subarray(0, body.length - 3), rules(), 't', 1_000_000, 3)).toBeUndefined();
    expect(scanTraces(Buffer.from('this is not protobuf \u00ff\u00fe'), rules(), 't', 1_000_000, 3)).toBeUndefined();
    // Invalid UTF-8 in a span name, which protobufjs refuses: the name 'x' becomes 0xff.
    const fine = Buffer.from(toProtobuf('traces', tracesJson('api', [{ traceId: traceId(), spanId: spanId(), name: 'x' }])));
    const at = fine.indexOf(Buffer.from([0x2a, 0x01, 0x78]));
    expect(at).toBeGreaterThan(0);
    fine[at + 2] = 0xff;
    expect(scanTraces(fine, rules(), 't', 1_000_000, 3)).toBeUndefined();
    // Every truncation point of a valid body is either refused or read as a shorter valid message, never thrown.
    for (let n = 0; n < body.length; n += 7) expect(() => scanTraces(body.subarray(0, n), rules(), 't', 1_000_000, 3)).not.toThrow();
  });
});
