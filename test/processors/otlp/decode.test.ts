import { decodeRequest } from '../../../processors/otlp/decode-request.ts';
import { encodeExportResponse, encodeStatus } from '../../../processors/otlp/encode.ts';
import { otlpSchema } from '../../../processors/otlp/otlp-schema.ts';
import type { MetricsRequest, TracesRequest } from '../../../processors/otlp/types.ts';
import { flattenPoints, flattenSpans, metricsJson, spanId, toProtobuf, traceId, tracesJson } from './otlp-builders.ts';

const json = (value: unknown): Uint8Array => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

function tracesOf(result: ReturnType<typeof decodeRequest>): TracesRequest {
  if (!result.ok) throw new Error(result.message);
  return result.request as TracesRequest;
}

describe('OTLP decoding', () => {
  const tid = traceId();
  const sid = spanId();
  const parent = spanId();
  const spans = [{ traceId: tid, spanId: sid, parentSpanId: parent, name: 'GET /', startNs: '1763700000123456789', attributes: { 'http.status_code': 200, ok: true, ratio: 0.5, route: '/' } }];

  it('decodes a protobuf traces request with ids, 64-bit times and typed attributes intact', () => {
    const [span] = flattenSpans(tracesOf(decodeRequest('traces', 'protobuf', toProtobuf('traces', tracesJson('svc', spans)))));
    expect(span).toEqual({
      service: 'svc', traceId: tid, spanId: sid, parentSpanId: parent, name: 'GET /', startNs: '1763700000123456789',
      attributes: { 'http.status_code': '200', ok: true, ratio: 0.5, route: '/' },
    });
  });

  it('reads OTLP/JSON hex ids, integer enums and 64-bit integers given as strings', () => {
    const request = tracesOf(decodeRequest('traces', 'json', json(tracesJson('svc', spans))));
    const [span] = flattenSpans(request);
    expect(span?.traceId).toBe(tid);
    expect(span?.parentSpanId).toBe(parent);
    expect(span?.startNs).toBe('1763700000123456789');
    expect(request.resourceSpans?.[0]?.scopeSpans?.[0]?.spans?.[0]?.kind).toBe(2);
  });

  it('keeps every digit of 64-bit integers sent as JSON numbers', () => {
    const body = JSON.stringify(tracesJson('svc', spans)).replace('"1763700000123456789"', '1763700000123456789');
    expect(body).toContain(':1763700000123456789');
    expect(flattenSpans(tracesOf(decodeRequest('traces', 'json', json(body))))[0]?.startNs).toBe('1763700000123456789');
  });

  it('ignores unknown JSON fields at every level', () => {
    const doc = tracesJson('svc', spans) as { resourceSpans: Record<string, unknown>[] };
    const withExtras = { extra: 1, resourceSpans: doc.resourceSpans.map((rs) => ({ ...rs, futureField: { a: [1] } })) };
    expect(flattenSpans(tracesOf(decodeRequest('traces', 'json', json(withExtras))))).toHaveLength(1);
  });

  it('turns an id that is not hex into an invalid id instead of failing the request', () => {
    const request = tracesOf(decodeRequest('traces', 'json', json(tracesJson('svc', [{ ...spans[0]!, traceId: 'not-hex' }]))));
    expect(request.resourceSpans?.[0]?.scopeSpans?.[0]?.spans?.[0]?.traceId?.byteLength).toBe(1);
  });

  it('treats an empty body as an empty request in both formats', () => {
    expect(tracesOf(decodeRequest('traces', 'json', new Uint8Array())).resourceSpans).toEqual([]);
    expect(tracesOf(decodeRequest('traces', 'protobuf', new Uint8Array())).resourceSpans).toEqual([]);
  });

  it('decodes metrics in both formats with the same points', () => {
    const doc = metricsJson('svc', [{ name: 'requests', kind: 'sum', points: [{ value: 3, attributes: { route: '/a' } }, { value: 1.5 }] }]);
    for (const format of ['json', 'protobuf'] as const) {
      const body = format === 'json' ? json(doc) : toProtobuf('metrics', doc);
      const result = decodeRequest('metrics', format, body);
      expect(result.ok).toBe(true);
      const points = flattenPoints((result as { request: MetricsRequest }).request);
      expect(points).toEqual([
        { service: 'svc', metric: 'requests', kind: 'sum', attributes: { route: '/a' } },
        { service: 'svc', metric: 'requests', kind: 'sum', attributes: {} },
      ]);
    }
  });

  it.each([
    ['malformed JSON', 'json', json('{"resourceSpans": [')],
    ['a JSON array', 'json', json('[1,2]')],
    ['a wrongly typed JSON field', 'json', json({ resourceSpans: { not: 'an array' } })],
    ['invalid UTF-8 in JSON', 'json', Uint8Array.of(0x7b, 0xff, 0x7d)],
    ['truncated protobuf', 'protobuf', toProtobuf('traces', tracesJson('svc', spans)).subarray(0, 20)],
    ['random bytes as protobuf', 'protobuf', Uint8Array.of(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01)],
  ] as const)('reports %s as a decode failure, never a throw', (_name, format, body) => {
    const result = decodeRequest('traces', format, body);
    expect(result.ok).toBe(false);
    expect((result as { message: string }).message).toMatch(/not a valid/);
  });

  it('encodes full success as an empty response and partial success with its count', () => {
    expect(encodeExportResponse('traces', undefined)).toHaveLength(0);
    const partial = otlpSchema().ExportTraceServiceResponse.decode(encodeExportResponse('traces', { rejected: 2, errorMessage: 'why' }));
    expect(otlpSchema().ExportTraceServiceResponse.toObject(partial, { longs: String })).toEqual({ partialSuccess: { rejectedSpans: '2', errorMessage: 'why' } });
    expect(otlpSchema().Status.toObject(otlpSchema().Status.decode(encodeStatus(3, 'bad')))).toEqual({ code: 3, message: 'bad' });
  });
});
