import net from 'node:net';
import zlib from 'node:zlib';
import { decodeRequest } from '../../../processors/otlp/decode-request.ts';
import { otlpSchema } from '../../../processors/otlp/otlp-schema.ts';
import type { TracesRequest } from '../../../processors/otlp/types.ts';
import { flattenSpans, metricsJson, nowNs, spanId, toProtobuf, traceId, tracesJson } from '../otlp/otlp-builders.ts';
import { JSON_TYPE, PROTOBUF, readRecords, request, startTestGateway, waitFor } from './gateway-fixture.ts';
import type { HttpAnswer, TestGateway } from './gateway-fixture.ts';

const KiB = 1024;

function statusOf(answer: HttpAnswer): { code: number; message: string } {
  if (answer.headers['content-type'] === 'application/x-protobuf') {
    return otlpSchema().Status.toObject(otlpSchema().Status.decode(answer.body)) as { code: number; message: string };
  }
  return JSON.parse(answer.body.toString()) as { code: number; message: string };
}

function goodTraces(name: string): Uint8Array {
  return toProtobuf('traces', tracesJson('svc', [{ traceId: traceId(), spanId: spanId(), name }]));
}

describe('Gateway with bad input', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ limits: { maxBodyBytes: 64 * KiB, maxAttributeValueBytes: 1024 } });
  });
  afterAll(async () => { await gw.stop(); });
  afterEach(async () => {
    // Whatever the previous request did, the next good one is stored.
    const answer = await request(`${gw.url}/v1/traces`, { headers: PROTOBUF, body: goodTraces('after') });
    expect(answer.status).toBe(200);
  });

  it('answers malformed protobuf with 400 and a protobuf google.rpc.Status', async () => {
    const answer = await request(`${gw.url}/v1/traces`, { headers: PROTOBUF, body: Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x02]) });
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/x-protobuf');
    expect(statusOf(answer)).toMatchObject({ code: 3, message: expect.stringMatching(/not a valid protobuf export traces request/) });
  });

  it('answers malformed JSON with 400 and a JSON google.rpc.Status', async () => {
    const answer = await request(`${gw.url}/v1/metrics`, { headers: JSON_TYPE, body: '{"resourceMetrics": [' });
    expect(answer.status).toBe(400);
    expect(statusOf(answer)).toMatchObject({ code: 3, message: expect.stringMatching(/not a valid OTLP\/JSON export metrics request/) });
  });

  it('answers a content type other than protobuf or JSON with 415', async () => {
    const answer = await request(`${gw.url}/v1/traces`, { headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(answer.status).toBe(415);
    expect(statusOf(answer).message).toMatch(/application\/x-protobuf or application\/json/);
  });

  it('answers an unsupported Content-Encoding with 415 and broken gzip with 400', async () => {
    const br = await request(`${gw.url}/v1/traces`, { headers: { ...PROTOBUF, 'content-encoding': 'br' }, body: 'x' });
    expect(br.status).toBe(415);
    const broken = await request(`${gw.url}/v1/traces`, { headers: { ...PROTOBUF, 'content-encoding': 'gzip' }, body: 'not gzip at all' });
    expect(broken.status).toBe(400);
    expect(statusOf(broken).message).toMatch(/not valid gzip/);
  });

  it('refuses a gzip bomb with 413 once the decompressed size passes the limit', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * KiB), { level: 9 }); // 64 MiB of zeros in ~64 KiB
    expect(bomb.length).toBeLessThan(64 * KiB);
    const answer = await request(`${gw.url}/v1/traces`, { headers: { ...PROTOBUF, 'content-encoding': 'gzip' }, body: bomb });
    expect(answer.status).toBe(413);
    expect(statusOf(answer).message).toMatch(/decompressed request body exceeds the limit of 65536 bytes/);
  });

  it('refuses an oversized body with 413, with or without Content-Length', async () => {
    const body = Buffer.alloc(100 * KiB, 1);
    const declared = await request(`${gw.url}/v1/traces`, { headers: PROTOBUF, body });
    expect(declared.status).toBe(413);
    const chunked = await request(`${gw.url}/v1/traces`, { headers: { ...PROTOBUF, 'transfer-encoding': 'chunked' }, body });
    expect(chunked.status).toBe(413);
  });

  it('cuts huge attribute values to the cap on a character boundary and says so in a partial success', async () => {
    const t = traceId();
    const spans = [{ traceId: t, spanId: spanId(), name: 'big-attrs', attributes: { ascii: 'a'.repeat(5000), accents: 'é'.repeat(1000), small: 'ok' } }];
    const answer = await request(`${gw.url}/v1/traces`, { headers: JSON_TYPE, body: JSON.stringify(tracesJson('svc', spans)) });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.toString())).toEqual({
      partialSuccess: { rejectedSpans: '0', errorMessage: 'truncated 2 attribute value(s) to 1024 bytes' },
    });
    const produced = gw.gateway.stats().producer.producedRecords;
    const records = (await readRecords(gw.topics.spans, produced, { settleMs: 0 })).filter((r) => r.key === t);
    expect(records).toHaveLength(1);
    const decoded = decodeRequest('traces', 'protobuf', records[0]?.value ?? new Uint8Array());
    const [span] = flattenSpans((decoded as { request: TracesRequest }).request);
    expect(span?.attributes).toEqual({ ascii: 'a'.repeat(1024), accents: 'é'.repeat(512), small: 'ok' });
  });

  it('rejects spans with invalid ids or timestamps decades off as partial success and stores the rest', async () => {
    const good = traceId();
    const spans = [
      { traceId: good, spanId: spanId(), name: 'good' },
      { traceId: traceId(), spanId: spanId(), name: '1970', startNs: '1', endNs: '2' },
      { traceId: traceId(), spanId: spanId(), name: '2090', startNs: '3786912000000000000', endNs: '3786912000000000001' },
      { traceId: '00000000000000000000000000000000', spanId: spanId(), name: 'zero-trace' },
      { traceId: traceId(), spanId: 'abcd', name: 'short-span-id' },
      { traceId: traceId(), spanId: spanId(), name: 'backwards', startNs: nowNs(-1000), endNs: nowNs(-2000) },
    ];
    const acceptedBefore = gw.gateway.stats().accepted.traces;
    const answer = await request(`${gw.url}/v1/traces`, { headers: PROTOBUF, body: toProtobuf('traces', tracesJson('svc', spans)) });
    expect(answer.status).toBe(200);
    expect(gw.gateway.stats().accepted.traces).toBe(acceptedBefore + 1);
    const response = otlpSchema().ExportTraceServiceResponse.toObject(otlpSchema().ExportTraceServiceResponse.decode(answer.body), { longs: String });
    expect(response.partialSuccess.rejectedSpans).toBe('5');
    expect(response.partialSuccess.errorMessage).toBe('rejected 5 spans: 2 with a start time outside the accepted window, '
      + '1 with an invalid trace id (expected 16 bytes, not all zero), 1 with an invalid span id (expected 8 bytes, not all zero), 1 ending before they start');
  });

  it('rejects data points with times decades off as partial success', async () => {
    const doc = metricsJson('svc', [{ name: 'm', kind: 'gauge', points: [{ value: 1 }, { value: 2, timeNs: '1' }] }]);
    const answer = await request(`${gw.url}/v1/metrics`, { headers: JSON_TYPE, body: JSON.stringify(doc) });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.toString())).toEqual({
      partialSuccess: { rejectedDataPoints: '1', errorMessage: 'rejected 1 data points: 1 with a time outside the accepted window' },
    });
  });

  it('answers unknown paths with 404 and wrong methods with 405', async () => {
    expect((await request(`${gw.url}/v1/logs`, { headers: JSON_TYPE, body: '{}' })).status).toBe(404);
    expect((await request(`${gw.url}/`, { method: 'GET' })).status).toBe(404);
    const wrong = await request(`${gw.url}/v1/metrics`, { method: 'GET' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('POST');
    expect((await request(`${gw.url}/healthz`, { method: 'POST', body: '' })).status).toBe(405);
  });

  it('releases the in-flight slot of a client that disconnects in the middle of its body', async () => {
    const { port } = new URL(gw.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 1000\r\n\r\n0123456789');
    await waitFor(() => gw.gateway.stats().admission.inFlightRequests === 1);
    socket.destroy();
    await waitFor(() => gw.gateway.stats().admission.inFlightRequests === 0);
  });

  it('never answered 500', () => {
    expect(gw.gateway.stats().byStatus['500']).toBeUndefined();
  });
});

describe('Gateway with a bearer token', () => {
  let gw: TestGateway;
  beforeAll(async () => { gw = await startTestGateway({ authToken: 'secret-token-123' }); });
  afterAll(async () => { await gw.stop(); });

  it('answers 401 without the token or with a wrong one, 200 with it, and keeps health checks open', async () => {
    const missing = await request(`${gw.url}/v1/traces`, { headers: PROTOBUF, body: goodTraces('a') });
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    const wrong = await request(`${gw.url}/v1/traces`, { headers: { ...PROTOBUF, authorization: 'Bearer nope' }, body: goodTraces('b') });
    expect(wrong.status).toBe(401);
    const right = await request(`${gw.url}/v1/traces`, { headers: { ...PROTOBUF, authorization: 'Bearer secret-token-123' }, body: goodTraces('c') });
    expect(right.status).toBe(200);
    expect((await request(`${gw.url}/healthz`, { method: 'GET' })).status).toBe(200);
  });
});
