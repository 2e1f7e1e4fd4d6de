import type { AppRuntime } from '../host/server/app-runtime.ts';
import { readRss } from '../host/workers/read-rss.ts';
import type { CollectorOptions } from './config.ts';
import { encodeMetrics, type MetricPoint, type MetricsProtobufEncoder, type ResourceOf } from './otlp-encoding.ts';
import { createSender, type OtlpSender } from './otlp-sender.ts';
import type { RequestCounters } from './request-counters.ts';
import { ATTR, METRIC } from './semconv.ts';
import type { SpanExportStats } from './span-exporter.ts';

/** What the metrics read on each collection. */
export interface MetricSources {
  readonly apps: () => readonly AppRuntime[];
  readonly counters: RequestCounters;
  readonly spanStats: () => SpanExportStats;
  /** The host's own resource key (`''`). */
  readonly hostApp: string;
}

/**
 * Collects gauges and cumulative sums every `metricsIntervalMs` and exports them: per worker RSS and active
 * requests, per app queue length, restarts and requests by status/substatus, and the host's own memory and
 * span counters. Keeps the last RSS of each worker for the request spans (`iisnode.node_mem_ws`).
 */
export class MetricsCollector {
  readonly #o: CollectorOptions;
  readonly #src: MetricSources;
  readonly #resourceOf: ResourceOf;
  readonly #sender: OtlpSender;
  #encoder: Promise<MetricsProtobufEncoder> | undefined;
  readonly #startedAt = Date.now();
  readonly #rssByPid = new Map<number, number>();
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  exports = 0;
  failures = 0;
  lastError = '';

  constructor(options: CollectorOptions, sources: MetricSources, resourceOf: ResourceOf) {
    this.#o = options;
    this.#src = sources;
    this.#resourceOf = resourceOf;
    this.#sender = createSender({
      url: options.metricsUrl, json: options.protocol === 'http/json', gzip: options.gzip,
      headers: options.headers, timeoutMs: options.exportTimeoutMs,
    });
  }

  /** Last sampled RSS of a worker, KB. */
  workerRssKb(pid: number): number | undefined {
    const rss = this.#rssByPid.get(pid);
    return rss === undefined ? undefined : Math.floor(rss / 1024);
  }

  /**
   * The protobuf encoder (protobufjs and the OTLP schema), imported on first use so that a host without
   * telemetry never loads it. Its first use also compiles the encoders: about 25 ms of synchronous work, done
   * here at start-up rather than in the middle of traffic ten seconds later.
   */
  #protobuf(): Promise<MetricsProtobufEncoder> {
    return (this.#encoder ??= import('../processors/otlp/index.ts').then((m) => {
      const encode = m.encodeMetricsRequest as MetricsProtobufEncoder;
      const time = Date.now();
      const point = { app: '', unit: '1', value: 0, time, startTime: time, attributes: { [ATTR.nodePid]: 0 } };
      encodeMetrics([{ ...point, name: 'warm-up.gauge', type: 'gauge' }, { ...point, name: 'warm-up.sum', type: 'sum' }],
        this.#resourceOf, 'http/protobuf', encode);
      return encode;
    }));
  }

  start(): void {
    if (this.#timer) return;
    if (this.#o.protocol === 'http/protobuf') void this.#protobuf();
    void this.#refreshRss();
    this.#timer = setInterval(() => {
      if (!this.#inFlight) this.#inFlight = this.collectAndSend().finally(() => (this.#inFlight = undefined));
    }, this.#o.metricsIntervalMs);
    this.#timer.unref();
  }

  /** Collects once and exports; resolves when the export ended. */
  async collectAndSend(): Promise<void> {
    const points = await this.collect();
    if (points.length === 0) return;
    const toProtobuf = this.#o.protocol === 'http/protobuf' ? await this.#protobuf() : undefined;
    const r = await this.#sender.send(encodeMetrics(points, this.#resourceOf, this.#o.protocol, toProtobuf));
    if (r.ok) this.exports++;
    else {
      this.failures++;
      this.lastError = r.error;
    }
  }

  /** Stops the timer, exports one last time (within `deadlineMs`), closes the connection. */
  async shutdown(deadlineMs: number): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#inFlight) await this.#inFlight;
    await Promise.race([this.collectAndSend(), new Promise((r) => setTimeout(r, deadlineMs).unref())]);
    this.#sender.close();
  }

  async #refreshRss(): Promise<void> {
    const pids: number[] = [];
    for (const rt of this.#src.apps()) for (const s of rt.pool.slots) if (s.worker && s.worker.pid > 0) pids.push(s.worker.pid);
    const values = await Promise.all(pids.map((pid) => readRss(pid)));
    this.#rssByPid.clear();
    pids.forEach((pid, i) => {
      const v = values[i];
      if (v !== undefined) this.#rssByPid.set(pid, v);
    });
  }

  /** The data points of one collection. */
  async collect(): Promise<MetricPoint[]> {
    await this.#refreshRss();
    const time = Date.now();
    const startTime = this.#startedAt;
    const points: MetricPoint[] = [];
    const gauge = (app: string, name: string, unit: string, value: number, attributes: Record<string, string | number>): void => {
      points.push({ app, name, unit, type: 'gauge', value, time, startTime, attributes });
    };
    const sum = (app: string, name: string, unit: string, value: number, attributes: Record<string, string | number>): void => {
      points.push({ app, name, unit, type: 'sum', value, time, startTime, attributes });
    };
    for (const rt of this.#src.apps()) {
      const app = rt.app.name;
      let appActive = 0;
      for (const slot of rt.pool.slots) {
        const w = slot.worker;
        if (!w || w.pid <= 0) continue;
        appActive += w.active;
        const attrs = { [ATTR.nodePid]: w.pid, [ATTR.workerId]: w.id };
        const rss = this.#rssByPid.get(w.pid);
        if (rss !== undefined) gauge(app, METRIC.memoryUsage, 'By', rss, attrs);
        gauge(app, METRIC.activeRequests, '{request}', w.active, attrs);
      }
      gauge(app, METRIC.activeRequests, '{request}', appActive, { [ATTR.nodePid]: 0 });
      gauge(app, METRIC.queueLength, '{request}', rt.dispatcher.stats().queueLength, { [ATTR.nodePid]: 0 });
      sum(app, METRIC.restarts, '{restart}', rt.pool.restarts, { [ATTR.nodePid]: 0 });
    }
    for (const c of this.#src.counters.entries()) {
      sum(c.app, METRIC.requests, '{request}', c.count, { [ATTR.nodePid]: 0, [ATTR.status]: c.status, [ATTR.substatus]: c.substatus });
    }
    const host = this.#src.hostApp;
    const mem = process.memoryUsage();
    gauge(host, METRIC.memoryUsage, 'By', mem.rss, { [ATTR.nodePid]: 0 });
    gauge(host, METRIC.heapUsed, 'By', mem.heapUsed, { [ATTR.nodePid]: 0 });
    const s = this.#src.spanStats();
    sum(host, METRIC.spansDropped, '{span}', s.droppedQueueFull, { [ATTR.nodePid]: 0, [ATTR.errorType]: 'queue_full' });
    sum(host, METRIC.spansDropped, '{span}', s.droppedExportFailed, { [ATTR.nodePid]: 0, [ATTR.errorType]: 'export_failed' });
    sum(host, METRIC.spansExported, '{span}', s.exported, { [ATTR.nodePid]: 0 });
    return points;
  }
}
