import { afterEach, describe, expect, it } from '@jest/globals';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { cleanup, httpGet, startHost, waitFor } from '../host/runtime/helpers.ts';
import { startReceiver, type Receiver } from './receiver.ts';

const statusApp = join(import.meta.dirname, 'fixtures', 'status.cjs');
let receiver: Receiver | undefined;

afterEach(async () => {
  await cleanup();
  await receiver?.close();
  receiver = undefined;
});

/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe('Collector export', () => {
  it('keeps every failed request at 1% sampling and counts all requests exactly in metrics', async () => {
    receiver = await startReceiver();
    const { host, base } = await startHost([{ name: 'sampled', script: statusApp }], {
      telemetry: { enabled: true, endpoint: receiver.url, samplingRatio: 0.01, scheduledDelayMs: 20, metricsIntervalMs: 100 },
    });
    for (let i = 0; i < 60; i++) expect((await httpGet(`${base}/ok`)).status).toBe(200);
    for (let i = 0; i < 7; i++) expect((await httpGet(`${base}/fail?status=502`)).status).toBe(502);
    const r = receiver;
    await waitFor(() => r.spans.filter((s) => s.name === 'request' && s.attrs['http.response.status_code'] === '502').length === 7, 5000, 'failed spans');
    const okSpans = r.spans.filter((s) => s.name === 'request' && s.attrs['http.response.status_code'] === '200').length;
    expect(okSpans).toBeLessThanOrEqual(5); // 60 × 1 %: almost always 0
    const failed = r.spans.filter((s) => s.name === 'request' && s.attrs['http.response.status_code'] === '502');
    for (const s of failed) {
      expect(s.statusCode).toBe(2);
      expect(r.spans.some((c) => c.name === 'dispatch' && c.parentSpanId === s.spanId)).toBe(true);
    }
    expect(host.collector.stats().sampledOut).toBe(60 - okSpans);
    const count = (status: string): number | undefined => {
      const pts = r.points.filter((p) => p.name === 'nodefarm.requests' && p.service === 'sampled' && p.attrs['http.response.status_code'] === status);
      return pts.at(-1)?.value;
    };
    await waitFor(() => count('200') === 60 && count('502') === 7, 5000, 'exact request counters');
    const rss = r.points.find((p) => p.name === 'process.memory.usage' && p.service === 'sampled');
    expect(rss?.attrs['iisnode.node_pid']).toBe(String(host.apps[0]!.pool.slots[0]!.worker!.pid));
    expect(rss!.value).toBeGreaterThan(1_000_000);
    expect(r.points.some((p) => p.name === 'process.memory.usage' && p.service === 'nodefarm' && p.attrs['iisnode.node_pid'] === '0')).toBe(true);
    expect(r.points.some((p) => p.name === 'nodefarm.queue.length' && p.service === 'sampled')).toBe(true);
  });

  it('leaves requests unaffected when the receiver is down, and counts the dropped spans', async () => {
    const port = await deadPort();
    const logged: string[] = [];
    const note = (message: string): void => void logged.push(message);
    const { host, base } = await startHost([{ name: 'nobody', script: statusApp }], {
      telemetry: { enabled: true, endpoint: `http://127.0.0.1:${port}`, scheduledDelayMs: 10, maxQueueSize: 20, maxExportBatchSize: 5 },
      log: { debug: note, info: note, warn: note, error: note },
    });
    await waitFor(() => host.apps[0]!.pool.slots[0]!.worker!.state === 'ready', 5000, 'worker ready');
    for (let i = 0; i < 40; i++) expect((await httpGet(`${base}/x`)).status).toBe(200);
    await waitFor(() => host.collector.stats().failedExports > 0, 5000, 'a failed export');
    const s = host.collector.stats();
    // Every accepted span is accounted for: exported, dropped after a failed export, or queued (incl. on the wire).
    expect(s.exported + s.droppedExportFailed + s.queued).toBe(s.accepted);
    expect(s.accepted + s.droppedQueueFull).toBe(40 * 4 + 1); // 4 spans per request, plus process.start
    expect(s.exported).toBe(0);
    expect(s.lastError).toBe('ECONNREFUSED');
    // Logged once when exports start failing, not per export or per request.
    expect(logged.filter((m) => m.startsWith('telemetry export failing'))).toHaveLength(1);
    expect(logged).toContain('telemetry on');
  });

  it('drops spans beyond the queue bound while the receiver hangs, keeps latency, and exports the drop count', async () => {
    receiver = await startReceiver();
    receiver.delayMs = 1500;
    const { host, base } = await startHost([{ name: 'slowrx', script: statusApp }], {
      telemetry: {
        enabled: true, endpoint: receiver.url, scheduledDelayMs: 5, maxQueueSize: 16, maxExportBatchSize: 4,
        metricsIntervalMs: 100, exportTimeoutMs: 5000,
      },
    });
    const r = receiver;
    await waitFor(() => host.apps[0]!.pool.slots[0]!.worker!.state === 'ready', 5000, 'worker ready');
    const times: number[] = [];
    for (let i = 0; i < 40; i++) {
      const t = performance.now();
      expect((await httpGet(`${base}/x`)).status).toBe(200);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    expect(times[Math.floor(times.length * 0.9)]).toBeLessThan(100);
    expect(host.collector.stats().droppedQueueFull).toBeGreaterThan(0);
    r.delayMs = 0;
    await waitFor(() => r.points.some((p) => p.name === 'nodefarm.telemetry.spans.dropped' && p.attrs['error.type'] === 'queue_full' && p.value > 0),
      8000, 'drop count exported');
  });

  it('speaks OTLP/JSON when asked, uncompressed by default', async () => {
    receiver = await startReceiver();
    const { base } = await startHost([{ name: 'json', script: statusApp }], {
      telemetry: { enabled: true, endpoint: receiver.url, protocol: 'http/json', scheduledDelayMs: 10 },
    });
    await httpGet(`${base}/j`);
    const r = receiver;
    const span = await waitFor(() => r.spans.find((s) => s.name === 'request'), 5000, 'json span');
    expect(span.attrs['url.path']).toBe('/j');
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(r.requests.every((q) => q.contentType === 'application/json' && q.encoding === '')).toBe(true);
  });

  it('does nothing at all when telemetry is off', async () => {
    const seen: unknown[] = [];
    const spy = (m: unknown): void => void seen.push(m);
    const { host, base } = await startHost([{ name: 'off', script: statusApp }], { telemetry: { enabled: false } });
    subscribe('nodefarm:request', spy);
    try {
      expect(host.collector.traceHeaders).toBeUndefined();
      expect((await httpGet(`${base}/`, { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' })).status).toBe(200);
      await waitFor(() => seen.length === 1, 5000, 'request event');
      expect(host.collector.stats().requests).toBe(0);
      expect(host.collector.traceId((seen[0] as { req: import('node:http').IncomingMessage }).req)).toBeUndefined();
    } finally {
      unsubscribe('nodefarm:request', spy);
    }
  });
});
