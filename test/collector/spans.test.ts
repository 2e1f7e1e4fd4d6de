import { afterEach, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { cleanup, fastRetries, httpGet, startHost, waitFor } from '../host/runtime/helpers.ts';
import { startReceiver, type Receiver, type ReceivedSpan } from './receiver.ts';

const proxyFixtures = join(import.meta.dirname, '..', 'host', 'proxy', 'fixtures');
let receiver: Receiver | undefined;

afterEach(async () => {
  await cleanup();
  await receiver?.close();
  receiver = undefined;
});

const telemetry = (url: string, extra: Record<string, unknown> = {}) => ({
  enabled: true, endpoint: url, scheduledDelayMs: 20, metricsIntervalMs: 60_000, ...extra,
});

function tree(spans: ReceivedSpan[], traceId: string): ReceivedSpan[] {
  return spans.filter((s) => s.traceId === traceId);
}

describe('Collector request spans', () => {
  it('exports one SERVER span per request with pipe.connect, dispatch and response.flush children', async () => {
    receiver = await startReceiver();
    const { host, base } = await startHost([{ name: 'hello', script: 'hello.cjs' }], { telemetry: telemetry(receiver.url) });
    const parentTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const r = receiver;
    await waitFor(() => r.spans.some((s) => s.name === 'process.start'), 5000, 'worker listening');
    const reply = await httpGet(`${base}/greet?x=1`, { traceparent: `00-${parentTrace}-00f067aa0ba902b7-01` });
    expect(reply.status).toBe(200);
    const server = await waitFor(() => r.spans.find((s) => s.name === 'request'), 5000, 'request span');
    await waitFor(() => tree(r.spans, parentTrace).length >= 4, 5000, 'child spans');
    const spans = tree(r.spans, parentTrace);
    expect(server).toMatchObject({
      traceId: parentTrace, parentSpanId: '00f067aa0ba902b7', kind: 2, service: 'hello', scope: 'nodefarm.host', statusCode: 0,
    });
    expect(server.attrs).toMatchObject({
      'http.request.method': 'GET', 'url.path': '/greet', 'http.response.status_code': '200', 'iisnode.substatus': '0',
      'server.address': '127.0.0.1', 'network.transport': 'tcp', 'iisnode.np_retry': '0',
      'iisnode.worker_pid': String(process.pid),
      'iisnode.node_pid': String(host.apps[0]!.pool.slots[0]!.worker!.pid),
      'iisnode.app_processes': '1', 'iisnode.process_active_req': '1', 'iisnode.app_active_req': '1', 'iisnode.worker_total_req': '1',
    });
    expect(Number(server.attrs['iisnode.worker_mem_ws'])).toBeGreaterThan(1000);
    expect(server.resource).toMatchObject({
      'service.name': 'hello', 'host.name': 'test-server', 'nodefarm.farm': 'test', 'deployment.environment': 'production',
      'process.pid': String(process.pid), 'nodefarm.telemetry.version': '1',
    });
    const byName = (n: string): ReceivedSpan => spans.find((s) => s.name === n)!;
    for (const n of ['pipe.connect', 'dispatch', 'response.flush']) {
      expect(byName(n).parentSpanId).toBe(server.spanId);
      expect(byName(n).startNs).toBeGreaterThanOrEqual(server.startNs);
      expect(byName(n).endNs).toBeLessThanOrEqual(server.endNs);
    }
    expect(byName('pipe.connect').attrs).toMatchObject({ 'nodefarm.pipe.pooled': 'false', 'nodefarm.pipe.attempts': '1' });
    expect(byName('response.flush').attrs).toMatchObject({
      'nodefarm.response.bytes': '13', 'nodefarm.response.flush_response': 'false',
    });
    expect(Number(byName('response.flush').attrs['nodefarm.response.chunks'])).toBeGreaterThanOrEqual(1);
    expect(spans.filter((s) => s.name === 'pipe.retry')).toHaveLength(0);
    expect(byName('dispatch').endNs).toBeLessThanOrEqual(byName('response.flush').startNs);
    // The second request reuses the pooled connection.
    await httpGet(`${base}/again`);
    const second = await waitFor(() => r.spans.find((s) => s.name === 'request' && s.attrs['url.path'] === '/again'), 5000, 'second');
    expect(second.traceId).not.toBe(parentTrace);
    expect(second.parentSpanId).toBe('');
    await waitFor(() => r.spans.find((s) => s.name === 'pipe.connect' && s.traceId === second.traceId), 5000, 'pooled connect');
    expect(r.spans.find((s) => s.name === 'pipe.connect' && s.traceId === second.traceId)!.attrs['nodefarm.pipe.pooled']).toBe('true');
  });

  it('records one pipe.retry span per connect retry of a worker slow to listen', async () => {
    receiver = await startReceiver();
    await startHost([{
      name: 'late', script: join(proxyFixtures, 'slow-listen.cjs'), env: { LISTEN_DELAY_MS: '400' },
      settings: { ...fastRetries, namedPipeConnectionRetryDelay: 100 },
    }], { telemetry: telemetry(receiver.url) }).then(async ({ base }) => {
      expect((await httpGet(`${base}/`)).status).toBe(200);
    });
    const r = receiver;
    const server = await waitFor(() => r.spans.find((s) => s.name === 'request'), 5000, 'request span');
    const n = Number(server.attrs['iisnode.np_retry']);
    expect(n).toBeGreaterThanOrEqual(2);
    const connect = await waitFor(() => r.spans.find((s) => s.name === 'pipe.connect' && s.traceId === server.traceId), 5000, 'connect');
    await waitFor(() => r.spans.filter((s) => s.name === 'pipe.retry' && s.traceId === server.traceId).length === n, 5000, 'retries');
    const retries = r.spans.filter((s) => s.name === 'pipe.retry' && s.traceId === server.traceId);
    expect(retries.map((s) => s.attrs['nodefarm.pipe.retry_attempt']).sort()).toEqual(Array.from({ length: n }, (_, i) => String(i + 1)).sort());
    for (const s of retries) {
      expect(s.parentSpanId).toBe(connect.spanId);
      expect(['ENOENT', 'ECONNREFUSED']).toContain(s.attrs['error.type']);
      expect(Number(s.attrs['iisnode.errno'])).toBeGreaterThan(0);
      expect(Number(s.endNs - s.startNs) / 1e6).toBeGreaterThanOrEqual(90);
    }
    expect(connect.attrs['nodefarm.pipe.attempts']).toBe(String(n + 1));
  });

  it('marks a request whose worker crashes mid-response as an error with its substatus', async () => {
    receiver = await startReceiver();
    const { base } = await startHost([{ name: 'crashy', script: 'crash-mid-request.cjs' }], { telemetry: telemetry(receiver.url) });
    await httpGet(`${base}/crash`).catch(() => undefined);
    const r = receiver;
    const server = await waitFor(() => r.spans.find((s) => s.name === 'request'), 5000, 'request span');
    expect(server.statusCode).toBe(2);
    expect(server.attrs['nodefarm.truncated']).toBe('true');
    expect(Number(server.attrs['iisnode.substatus'])).toBeGreaterThan(1000);
    const flush = await waitFor(() => r.spans.find((s) => s.name === 'response.flush' && s.traceId === server.traceId), 5000, 'flush');
    expect(flush.statusCode).toBe(2);
    const exit = await waitFor(() => r.spans.find((s) => s.name === 'process.exit'), 5000, 'exit span');
    expect(exit.attrs).toMatchObject({ 'nodefarm.worker.reason': 'crash', 'process.exit.code': '3', 'nodefarm.worker.requests_served': '1' });
    expect(exit.statusCode).toBe(2);
  });

  it('exports a 503.1000 SERVER span when the request queue is full', async () => {
    receiver = await startReceiver();
    const { base } = await startHost([{
      name: 'busy', script: 'slow.cjs', settings: { maxConcurrentRequestsPerProcess: 1, maxQueuedRequestsPerApplication: 0 },
    }], { telemetry: telemetry(receiver.url) });
    const slow = httpGet(`${base}/slow?ms=500`);
    const r = receiver;
    await waitFor(() => r.spans.length > 0, 5000, 'process.start span'); // the worker listens
    await new Promise((res) => setTimeout(res, 100));
    expect((await httpGet(`${base}/x`)).status).toBe(503);
    await slow;
    const span = await waitFor(() => r.spans.find((s) => s.name === 'request' && s.attrs['iisnode.substatus'] === '1000'), 5000, '503 span');
    expect(span.attrs).toMatchObject({ 'http.response.status_code': '503', 'nodefarm.host_error': 'true', 'url.path': '/x' });
    expect(span.statusCode).toBe(2);
    expect(span.statusMessage).toMatch(/^503\.1000/);
  });

  it('puts the exported trace id into the iisnode-debug header', async () => {
    receiver = await startReceiver();
    const { base } = await startHost([{ name: 'debugged', script: 'hello.cjs', settings: { debugHeaderEnabled: true } }],
      { telemetry: telemetry(receiver.url) });
    const reply = await httpGet(`${base}/dbg`);
    const header = String(reply.headers['iisnode-debug'] ?? '');
    const m = /[#&]trace_id=([0-9a-f]{32})(?:&|$)/.exec(header);
    expect(m).not.toBeNull();
    const r = receiver;
    const span = await waitFor(() => r.spans.find((s) => s.name === 'request' && s.attrs['url.path'] === '/dbg'), 5000, 'span');
    expect(span.traceId).toBe(m![1]);
  });
});
