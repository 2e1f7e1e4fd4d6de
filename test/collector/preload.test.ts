import { afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKER_PRELOAD } from '../../collector/index.ts';
import { CONTRACT_VERSION, METRIC, PRELOAD_SCOPE_NAME, SPAN } from '../../collector/semconv.ts';
import { cleanup, httpGet, startHost, waitFor } from '../host/runtime/helpers.ts';
import { startReceiver, type Receiver } from './receiver.ts';

const app = join(import.meta.dirname, 'fixtures', 'preloaded.cjs');
let receiver: Receiver | undefined;

afterEach(async () => {
  await cleanup();
  await receiver?.close();
  receiver = undefined;
});

describe('Collector worker preload', () => {
  it('joins the host trace under dispatch, reports worker metrics, and sends an uncaught exception before the worker dies', async () => {
    receiver = await startReceiver();
    const { host, base } = await startHost([{ name: 'inside', script: app }], {
      telemetry: { enabled: true, endpoint: receiver.url, scheduledDelayMs: 10, metricsIntervalMs: 100, workerPreload: true },
    });
    const r = receiver;
    await waitFor(() => r.spans.some((s) => s.name === 'process.start'), 5000, 'worker listening');
    const pid = host.apps[0]!.pool.slots[0]!.worker!.pid;
    expect((await httpGet(`${base}/hello?q=1`)).status).toBe(200);
    const server = await waitFor(() => r.spans.find((s) => s.name === 'request'), 5000, 'host span');
    const dispatch = await waitFor(() => r.spans.find((s) => s.name === 'dispatch' && s.traceId === server.traceId), 5000, 'dispatch');
    const inner = await waitFor(() => r.spans.find((s) => s.name === 'worker.request'), 5000, 'worker span');
    expect(inner).toMatchObject({ traceId: server.traceId, parentSpanId: dispatch.spanId, kind: 1, service: 'inside', scope: 'nodefarm.worker' });
    expect(inner.attrs).toMatchObject({ 'url.path': '/hello', 'http.response.status_code': '200', 'iisnode.node_pid': String(pid) });
    expect(inner.resource).toMatchObject({ 'host.name': 'test-server', 'nodefarm.farm': 'test', 'iisnode.worker_pid': String(process.pid) });
    expect(inner.startNs).toBeGreaterThanOrEqual(dispatch.startNs);
    const heap = await waitFor(() => r.points.find((p) => p.name === 'nodefarm.process.heap.used' && p.attrs['iisnode.node_pid'] === String(pid)), 5000, 'worker heap');
    expect(heap.service).toBe('inside');
    expect(r.points.some((p) => p.name === 'nodejs.eventloop.delay.p99' && p.attrs['iisnode.node_pid'] === String(pid))).toBe(true);

    await httpGet(`${base}/boom`).catch(() => undefined);
    const boom = await waitFor(() => r.spans.find((s) => s.name === 'worker.exception'), 5000, 'exception span');
    expect(boom.statusCode).toBe(2);
    const event = boom.events.find((e) => e.name === 'exception')!;
    expect(event.attrs).toMatchObject({ 'exception.type': 'TypeError', 'exception.message': 'kaboom from the app' });
    expect(event.attrs['exception.stacktrace']).toContain('preloaded.cjs');
    const failedInner = r.spans.find((s) => s.name === 'worker.request' && s.attrs['url.path'] === '/boom');
    expect(failedInner?.statusCode).toBe(2);
    expect(boom.traceId).toBe(failedInner!.traceId);
    const exit = await waitFor(() => r.spans.find((s) => s.name === 'process.exit'), 5000, 'exit span');
    expect(exit.attrs['nodefarm.worker.reason']).toBe('crash');
    expect(exit.attrs['process.exit.code']).toBe('1');
  });

  it('uses the names and the contract version of collector/semconv.ts', () => {
    const text = readFileSync(WORKER_PRELOAD, 'utf8');
    expect(text).toContain(`const CONTRACT_VERSION = '${CONTRACT_VERSION}';`);
    for (const name of [SPAN.workerRequest, SPAN.workerException, METRIC.memoryUsage, METRIC.heapUsed, METRIC.eventLoopDelay,
      METRIC.spansDropped, METRIC.spansExported, PRELOAD_SCOPE_NAME]) {
      expect(text).toContain(`'${name}'`);
    }
  });
});
