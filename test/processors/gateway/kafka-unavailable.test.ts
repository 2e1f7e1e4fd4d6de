import net from 'node:net';
import { spanId, toProtobuf, traceId, tracesJson } from '../otlp/otlp-builders.ts';
import { createGateway } from '../../../processors/gateway/index.ts';
import { silentLog } from '../../../processors/kafka/log-sink.ts';
import { kafkaBrokers } from '../../support/services.ts';
import { closedPort, JSON_TYPE, PROTOBUF, readRecords, request, startTestGateway, waitFor } from './gateway-fixture.ts';
import type { TestGateway } from './gateway-fixture.ts';

function traces(): Uint8Array {
  return toProtobuf('traces', tracesJson('svc', [{ traceId: traceId(), spanId: spanId(), name: 'x' }]));
}

describe('Gateway when Kafka is down', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    const port = await closedPort();
    gw = await startTestGateway({
      readinessTimeoutMs: 2000,
      kafka: { brokers: [`127.0.0.1:${port}`], retries: 1, connectionTimeoutMs: 500 },
    });
  });
  afterAll(async () => { await gw.stop(); });

  it('answers exports with 503, Retry-After and an UNAVAILABLE status', async () => {
    const body = JSON.stringify(tracesJson('svc', [{ traceId: traceId(), spanId: spanId(), name: 'x' }]));
    const answer = await request(`${gw.url}/v1/traces`, { headers: JSON_TYPE, body });
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('5');
    const status = JSON.parse(answer.body.toString()) as { code: number; message: string };
    expect(status.code).toBe(14);
    expect(status.message).toMatch(/could not be stored: Kafka is not reachable/);
  });

  it('reports not ready on /readyz while /healthz stays 200', async () => {
    const ready = await request(`${gw.url}/readyz`, { method: 'GET' });
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body.toString())).toMatchObject({ status: 'not ready', reason: expect.stringMatching(/^Kafka: /) });
    expect((await request(`${gw.url}/healthz`, { method: 'GET' })).status).toBe(200);
  });

  it('still answers an empty request with success, since nothing needs storing', async () => {
    expect((await request(`${gw.url}/v1/traces`, { headers: PROTOBUF, body: new Uint8Array() })).status).toBe(200);
  });
});

describe('Gateway under backpressure', () => {
  // A "broker" that accepts connections and never answers keeps the first export in flight.
  const sockets = new Set<net.Socket>();
  const blackHole = net.createServer((s) => { sockets.add(s); s.on('error', () => undefined); });
  let gw: TestGateway;
  beforeAll(async () => {
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const { port } = blackHole.address() as net.AddressInfo;
    gw = await startTestGateway({
      limits: { maxInFlightRequests: 1 },
      kafka: { brokers: [`127.0.0.1:${port}`], retries: 0, connectionTimeoutMs: 500, requestTimeoutMs: 1500 },
    });
  });
  afterAll(async () => {
    await gw.stop();
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => blackHole.close(resolve));
  });

  it('answers 429 with Retry-After while the in-flight limit is reached, then 503 for the stuck export', async () => {
    const first = request(`${gw.url}/v1/traces`, { headers: PROTOBUF, body: traces() });
    await waitFor(() => gw.gateway.stats().admission.inFlightRequests === 1);
    const second = await request(`${gw.url}/v1/traces`, { headers: PROTOBUF, body: traces() });
    expect(second.status).toBe(429);
    expect(second.headers['retry-after']).toBe('1');
    expect((await first).status).toBe(503);
    expect(gw.gateway.stats().admission).toEqual({ inFlightRequests: 0, inFlightBytes: 0, rejectedOverloaded: 1 });
  });
});

describe('Gateway when Kafka comes back', () => {
  // The gateway's bootstrap address is a port that is closed at first, then forwards to the real broker.
  const sockets = new Set<net.Socket>();
  const [brokerHost, brokerPort] = (kafkaBrokers()[0] ?? '127.0.0.1:19092').split(':');
  const proxy = net.createServer((client) => {
    const upstream = net.connect(Number(brokerPort), brokerHost);
    for (const s of [client, upstream]) { sockets.add(s); s.on('error', () => undefined); }
    client.pipe(upstream).pipe(client);
  });
  let port = 0;
  let gw: TestGateway;
  beforeAll(async () => {
    port = await closedPort();
    gw = await startTestGateway({ kafka: { brokers: [`127.0.0.1:${port}`], retries: 1, connectionTimeoutMs: 500 } });
  });
  afterAll(async () => {
    await gw.stop();
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => proxy.close(resolve));
  });

  it('answers 503 first, then connects, creates the topics and stores exports once Kafka is reachable', async () => {
    expect((await request(`${gw.url}/v1/traces`, { headers: PROTOBUF, body: traces() })).status).toBe(503);
    await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
    const t = traceId();
    const body = toProtobuf('traces', tracesJson('svc', [{ traceId: t, spanId: spanId(), name: 'after-outage' }]));
    expect((await request(`${gw.url}/v1/traces`, { headers: PROTOBUF, body })).status).toBe(200);
    const records = await readRecords(gw.topics.spans, 1);
    expect(records.map((r) => r.key)).toEqual([t]);
    let ready = 0;
    for (let i = 0; i < 50 && ready !== 200; i += 1) {
      ready = (await request(`${gw.url}/readyz`, { method: 'GET' })).status;
      if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ready).toBe(200);
  });
});

describe('Gateway shutdown', () => {
  it('is safe before start and when called twice', async () => {
    const gw = createGateway({ port: 0, log: silentLog, kafka: { brokers: [`127.0.0.1:${await closedPort()}`] } });
    await gw.shutdown(100);
    await gw.shutdown(100);
  });

  it('answers an export stuck on Kafka with 503 and stops soon after its deadline', async () => {
    const sockets = new Set<net.Socket>();
    const blackHole = net.createServer((s) => { sockets.add(s); s.on('error', () => undefined); });
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const { port } = blackHole.address() as net.AddressInfo;
    const gw = await startTestGateway({ kafka: { brokers: [`127.0.0.1:${port}`], retries: 0, connectionTimeoutMs: 500, requestTimeoutMs: 1000 } });
    try {
      const pending = request(`${gw.url}/v1/traces`, { headers: PROTOBUF, body: traces() });
      await waitFor(() => gw.gateway.stats().admission.inFlightRequests === 1);
      const started = Date.now();
      await gw.gateway.shutdown(200);
      expect(Date.now() - started).toBeLessThan(3000);
      expect((await pending).status).toBe(503);
    } finally {
      await gw.stop();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => blackHole.close(resolve));
    }
  });
});
