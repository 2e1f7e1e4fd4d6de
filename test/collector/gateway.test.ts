import { afterEach, describe, expect, it } from '@jest/globals';
import { bytesToHex, decodeRequest } from '../../processors/otlp/index.ts';
import { readRecords, startTestGateway, type TestGateway } from '../processors/gateway/gateway-fixture.ts';
import { cleanup, httpGet, startHost, waitFor } from '../host/runtime/helpers.ts';

let gw: TestGateway | undefined;

afterEach(async () => {
  await cleanup();
  await gw?.stop();
  gw = undefined;
});

describe('Collector through the gateway', () => {
  it('delivers the span tree and the metrics to Kafka, keyed and partitioned by trace id, with nothing rejected', async () => {
    gw = await startTestGateway();
    const { host, base } = await startHost([{ name: 'kafkaed', script: 'hello.cjs' }], {
      telemetry: { enabled: true, endpoint: gw.url, gzip: true, scheduledDelayMs: 20, metricsIntervalMs: 100 },
    });
    await waitFor(() => host.apps[0]!.pool.slots[0]!.worker!.state === 'ready', 5000, 'worker ready');
    expect((await httpGet(`${base}/via/kafka`)).status).toBe(200);
    await waitFor(() => host.collector.stats().exported >= 5, 10_000, 'spans accepted by the gateway');
    await waitFor(() => host.collector.stats().metricExports >= 1, 10_000, 'metrics accepted by the gateway');
    expect(host.collector.stats()).toMatchObject({ droppedExportFailed: 0, droppedQueueFull: 0, failedExports: 0 });

    const records = await readRecords(gw.topics.spans, 2);
    const spans = records.flatMap((r) => {
      const d = decodeRequest('traces', 'protobuf', r.value);
      if (!d.ok) throw new Error(d.message);
      return (d.request.resourceSpans ?? []).flatMap((rs) => (rs.scopeSpans ?? []).flatMap((ss) => (ss.spans ?? []).map((s) => ({
        key: r.key, partition: r.partition, traceId: bytesToHex(s.traceId), name: s.name ?? '',
        service: rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value?.stringValue,
      }))));
    });
    const request = spans.find((s) => s.name === 'request')!;
    expect(request.service).toBe('kafkaed');
    // One record per partition and export, keyed by the first trace id in it (a worker's process.start trace
    // may come first): the key is a trace id of that record, and a trace never spans two partitions.
    expect(spans.some((s) => s.key === request.key && s.traceId === request.key)).toBe(true);
    expect(new Set(spans.filter((s) => s.traceId === request.traceId).map((s) => s.partition)).size).toBe(1);
    expect(spans.filter((s) => s.traceId === request.traceId).map((s) => s.name).sort())
      .toEqual(['dispatch', 'pipe.connect', 'request', 'response.flush']);
    expect(spans.some((s) => s.name === 'process.start')).toBe(true);
    const metrics = await readRecords(gw.topics.metrics, 1);
    expect(metrics.length).toBeGreaterThanOrEqual(1);
  });
});
