import zlib from 'node:zlib';
import { decodeRequest } from '../../../processors/otlp/decode-request.ts';
import { otlpSchema } from '../../../processors/otlp/otlp-schema.ts';
import type { MetricsRequest, TracesRequest } from '../../../processors/otlp/types.ts';
import { flattenPoints, flattenSpans, metricsJson, nowNs, spanId, toProtobuf, traceId, tracesJson } from '../otlp/otlp-builders.ts';
import type { SpanSpec } from '../otlp/otlp-builders.ts';
import { createRequire } from 'node:module';
import { keyPartition, murmur2 } from '../../../processors/kafka/key-partition.ts';
import { JSON_TYPE, PROTOBUF, readRecords, request, startTestGateway } from './gateway-fixture.ts';
import type { KafkaRecord, TestGateway } from './gateway-fixture.ts';

function spansIn(records: readonly KafkaRecord[]): ReturnType<typeof flattenSpans> {
  return records.flatMap((r) => {
    const decoded = decodeRequest('traces', 'protobuf', r.value);
    if (!decoded.ok) throw new Error(decoded.message);
    return flattenSpans(decoded.request as TracesRequest);
  });
}

describe('Gateway', () => {
  let gw: TestGateway;
  beforeAll(async () => { gw = await startTestGateway(); });
  afterAll(async () => { await gw.stop(); });

  describe('POST /v1/traces', () => {
    it('writes protobuf and JSON spans to Kafka keyed by a trace id they hold, every trace in one partition', async () => {
      const [t1, t2, t3] = [traceId(), traceId(), traceId()];
      const root = spanId();
      const protoSpans: SpanSpec[] = [
        { traceId: t1, spanId: root, name: 'GET /a', attributes: { 'http.route': '/a', 'http.status_code': 200 } },
        { traceId: t1, spanId: spanId(), parentSpanId: root, name: 'db', attributes: { 'db.system': 'clickhouse' } },
        { traceId: t2, spanId: spanId(), name: 'GET /b', attributes: { retry: true } },
      ];
      const jsonSpans: SpanSpec[] = [
        { traceId: t1, spanId: spanId(), parentSpanId: root, name: 'cache', attributes: { hit: false } },
        { traceId: t3, spanId: spanId(), name: 'GET /c', attributes: { ratio: 0.25 } },
      ];
      const a = await request(`${gw.url}/v1/traces`, { headers: PROTOBUF, body: toProtobuf('traces', tracesJson('svc-proto', protoSpans)) });
      expect(a.status).toBe(200);
      expect(a.headers['content-type']).toBe('application/x-protobuf');
      expect(a.body).toHaveLength(0); // full success: partial_success unset
      const b = await request(`${gw.url}/v1/traces`, { headers: JSON_TYPE, body: JSON.stringify(tracesJson('svc-json', jsonSpans)) });
      expect(b.status).toBe(200);
      expect(b.headers['content-type']).toBe('application/json');
      expect(JSON.parse(b.body.toString())).toEqual({});

      // Per trace before the producer has read the partition count, per partition after: 2 to 4 records.
      const produced = gw.gateway.stats().producer.producedRecords;
      expect(produced).toBeGreaterThanOrEqual(2);
      const records = await readRecords(gw.topics.spans, produced);
      expect(records).toHaveLength(produced);
      for (const r of records) {
        expect(r.headers).toEqual({ 'content-type': 'application/x-protobuf', 'otlp-signal': 'traces', 'nodefarm-format': '1' });
        expect(spansIn([r]).map((s) => s.traceId)).toContain(r.key);
      }
      const t1Partitions = new Set(records.filter((r) => spansIn([r]).some((s) => s.traceId === t1)).map((r) => r.partition));
      expect(t1Partitions.size).toBe(1);

      const spans = spansIn(records);
      expect(spans).toHaveLength(5);
      const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
      expect(byName['GET /a']).toMatchObject({ service: 'svc-proto', traceId: t1, attributes: { 'http.route': '/a', 'http.status_code': '200' } });
      expect(byName.db).toMatchObject({ parentSpanId: root, attributes: { 'db.system': 'clickhouse' } });
      expect(byName['GET /b']?.attributes).toEqual({ retry: true });
      expect(byName.cache).toMatchObject({ service: 'svc-json', traceId: t1, parentSpanId: root, attributes: { hit: false } });
      expect(byName['GET /c']?.attributes).toEqual({ ratio: 0.25 });
      expect(gw.gateway.stats().accepted.traces).toBe(5);
    });

    it('puts the spans of many traces into one record per partition, each where its own trace-id key would go', async () => {
      const traces = Array.from({ length: 30 }, () => traceId());
      const spans: SpanSpec[] = traces.flatMap((t) => [{ traceId: t, spanId: spanId(), name: 'a' }, { traceId: t, spanId: spanId(), name: 'b' }]);
      // The first export connected the producer, which read the partition count (3 by default).
      await request(`${gw.url}/v1/traces`, { headers: PROTOBUF, body: toProtobuf('traces', tracesJson('svc-warm', [spans[0] as SpanSpec])) });
      const before = gw.gateway.stats().producer.producedRecords;
      const answer = await request(`${gw.url}/v1/traces`, { headers: PROTOBUF, body: toProtobuf('traces', tracesJson('svc-many', spans)) });
      expect(answer.status).toBe(200);
      const added = gw.gateway.stats().producer.producedRecords - before;
      expect(added).toBeLessThanOrEqual(3);
      const records = (await readRecords(gw.topics.spans, gw.gateway.stats().producer.producedRecords))
        .filter((r) => spansIn([r]).some((s) => s.service === 'svc-many'));
      expect(records).toHaveLength(added);
      expect(spansIn(records)).toHaveLength(60);
      for (const r of records) {
        expect(keyPartition(r.key, 3)).toBe(r.partition);
        for (const s of spansIn([r])) expect(keyPartition(s.traceId, 3)).toBe(r.partition);
      }
    });

    it('accepts gzip requests and answers gzip when asked', async () => {
      const spans = [{ traceId: traceId(), spanId: spanId(), name: 'zipped', attributes: { n: 1 } }];
      const body = zlib.gzipSync(JSON.stringify(tracesJson('svc-gzip', spans)));
      const before = gw.gateway.stats().accepted.traces;
      const answer = await request(`${gw.url}/v1/traces`, {
        headers: { ...JSON_TYPE, 'content-encoding': 'gzip', 'accept-encoding': 'gzip' }, body,
      });
      expect(answer.status).toBe(200);
      expect(answer.headers['content-encoding']).toBe('gzip');
      expect(JSON.parse(zlib.gunzipSync(answer.body).toString())).toEqual({});
      expect(gw.gateway.stats().accepted.traces).toBe(before + 1);
    });

    it('answers an empty request with success and writes nothing', async () => {
      const before = gw.gateway.stats().producer.producedRecords;
      const proto = await request(`${gw.url}/v1/traces`, { headers: PROTOBUF, body: new Uint8Array() });
      const json = await request(`${gw.url}/v1/traces`, { headers: JSON_TYPE, body: '{}' });
      expect([proto.status, json.status]).toEqual([200, 200]);
      expect(gw.gateway.stats().producer.producedRecords).toBe(before);
    });
  });

  describe('POST /v1/metrics', () => {
    it('writes each resource batch as one record keyed by the resource, with every data point', async () => {
      const doc = metricsJson('svc-metrics', [
        { name: 'http.server.requests', kind: 'sum', points: [{ value: 5, attributes: { route: '/a' } }, { value: 2, attributes: { route: '/b' } }] },
        { name: 'process.memory', kind: 'gauge', points: [{ value: 1024.5 }] },
      ]);
      const a = await request(`${gw.url}/v1/metrics`, { headers: PROTOBUF, body: toProtobuf('metrics', doc) });
      const b = await request(`${gw.url}/v1/metrics`, { headers: JSON_TYPE, body: JSON.stringify(doc) });
      expect([a.status, b.status]).toEqual([200, 200]);
      const records = await readRecords(gw.topics.metrics, 2);
      expect(records).toHaveLength(2);
      expect(records[0]?.key).toMatch(/^[0-9a-f]{32}$/);
      expect(records[1]?.key).toBe(records[0]?.key); // same resource, same key, same partition
      for (const r of records) {
        const decoded = decodeRequest('metrics', 'protobuf', r.value);
        expect(decoded.ok).toBe(true);
        expect(flattenPoints((decoded as { request: MetricsRequest }).request)).toEqual([
          { service: 'svc-metrics', metric: 'http.server.requests', kind: 'sum', attributes: { route: '/a' } },
          { service: 'svc-metrics', metric: 'http.server.requests', kind: 'sum', attributes: { route: '/b' } },
          { service: 'svc-metrics', metric: 'process.memory', kind: 'gauge', attributes: {} },
        ]);
      }
    });
  });
});

describe('Gateway record size', () => {
  let gw: TestGateway;
  beforeAll(async () => { gw = await startTestGateway({ limits: { maxMessageBytes: 8192 } }); });
  afterAll(async () => { await gw.stop(); });

  it('splits a trace larger than the record limit into several records with the same key, losing no span', async () => {
    const t = traceId();
    const spans = Array.from({ length: 40 }, (_, i) => ({ traceId: t, spanId: spanId(), name: `step-${i}`, startNs: nowNs(-5000), attributes: { payload: 'x'.repeat(900) } }));
    const answer = await request(`${gw.url}/v1/traces`, { headers: PROTOBUF, body: toProtobuf('traces', tracesJson('svc-big', spans)) });
    expect(answer.status).toBe(200);
    expect(answer.body).toHaveLength(0);
    const { producedRecords } = gw.gateway.stats().producer;
    expect(producedRecords).toBeGreaterThan(4);
    const records = await readRecords(gw.topics.spans, producedRecords);
    expect(records).toHaveLength(producedRecords);
    expect(records.every((r) => r.key === t && r.value.length <= 8192)).toBe(true);
    expect(new Set(records.map((r) => r.partition)).size).toBe(1);
    const names = spansIn(records).map((s) => s.name).sort();
    expect(names).toEqual(spans.map((s) => s.name).sort());
  });

  it('splits a large metrics batch by data point into records with the same resource key', async () => {
    const points = Array.from({ length: 120 }, (_, i) => ({ value: i, attributes: { series: `s-${i}`, pad: 'p'.repeat(200) } }));
    const doc = metricsJson('svc-many', [{ name: 'queue.depth', kind: 'gauge', points }]);
    const before = gw.gateway.stats().producer.producedRecords;
    const answer = await request(`${gw.url}/v1/metrics`, { headers: PROTOBUF, body: toProtobuf('metrics', doc) });
    expect(answer.status).toBe(200);
    expect(answer.body).toHaveLength(0);
    expect(gw.gateway.stats().accepted.metrics).toBe(120);
    const produced = gw.gateway.stats().producer.producedRecords - before;
    expect(produced).toBeGreaterThan(3);
    const records = await readRecords(gw.topics.metrics, produced);
    expect(records).toHaveLength(produced);
    expect(new Set(records.map((r) => r.key)).size).toBe(1);
    const series = records.flatMap((r) => {
      expect(r.value.length).toBeLessThanOrEqual(8192);
      const decoded = decodeRequest('metrics', 'protobuf', r.value);
      return flattenPoints((decoded as { request: MetricsRequest }).request).map((p) => p.attributes.series);
    });
    expect(series.sort()).toEqual(points.map((p) => p.attributes.series).sort());
  });

  it('rejects a single span larger than the record limit as partial success', async () => {
    const spans = [
      { traceId: traceId(), spanId: spanId(), name: 'huge', attributes: { a: 'y'.repeat(6000), b: 'z'.repeat(6000) } },
      { traceId: traceId(), spanId: spanId(), name: 'small' },
    ];
    const answer = await request(`${gw.url}/v1/traces`, { headers: PROTOBUF, body: toProtobuf('traces', tracesJson('svc-big', spans)) });
    expect(answer.status).toBe(200);
    const response = otlpSchema().ExportTraceServiceResponse.toObject(otlpSchema().ExportTraceServiceResponse.decode(answer.body), { longs: String });
    expect(response).toEqual({ partialSuccess: { rejectedSpans: '1', errorMessage: 'rejected 1 spans: 1 larger than the Kafka record limit of 8192 bytes' } });
  });
});

describe('Gateway with gzip-compressed Kafka records', () => {
  let gw: TestGateway;
  beforeAll(async () => { gw = await startTestGateway({ kafka: { compression: 'gzip' } }); });
  afterAll(async () => { await gw.stop(); });

  it('writes records that consumers read back unchanged', async () => {
    const t = traceId();
    const spans = [{ traceId: t, spanId: spanId(), name: 'compressed', attributes: { text: 'repeat '.repeat(200) } }];
    const answer = await request(`${gw.url}/v1/traces`, { headers: PROTOBUF, body: toProtobuf('traces', tracesJson('svc-gz', spans)) });
    expect(answer.status).toBe(200);
    const records = await readRecords(gw.topics.spans, 1);
    expect(records.map((r) => r.key)).toEqual([t]);
    expect(spansIn(records)[0]?.attributes).toEqual({ text: 'repeat '.repeat(200) });
  });
});

describe('Key partition', () => {
  it('hashes keys as the kafkajs default partitioner does', () => {
    const kafkajsMurmur2 = createRequire(import.meta.url)('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer) => number;
    for (let i = 0; i < 2000; i += 1) {
      const key = Buffer.from(i % 2 === 0 ? traceId() : `k-${i}-${'x'.repeat(i % 7)}`);
      expect(murmur2(key)).toBe(kafkajsMurmur2(key));
    }
  });
});
