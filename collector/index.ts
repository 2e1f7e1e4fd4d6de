/**
 * The collector: OpenTelemetry spans and metrics of the host and its workers, exported over OTLP/HTTP.
 * Embedded in the host; the request path only records numbers (host/proxy's outcome timeline) and one
 * trace header, and every span is built after its exchange has ended.
 *
 * ```ts
 * const collector = createCollector({ farmName, serverName, apps: () => runtimes }, { enabled: true, endpoint }, process.env);
 * createProxy({ ..., traceHeaders: collector.traceHeaders });
 * collector.start();                    // subscribes to the host's diagnostics channels, starts metrics
 * currentTraceId(req);                  // the trace id for the iisnode-debug header
 * await collector.shutdown(5000);       // flushes what is queued
 * ```
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ProxyRequest } from '../host/proxy/index.ts';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { NodefarmError } from '../host/errors.ts';
import type { RejectedEvent, RequestEvent, WorkerEvent } from '../host/server/channels.ts';
import type { AppRuntime } from '../host/server/app-runtime.ts';
import type { Logger } from '../host/server/logger.ts';
import { resolveCollectorOptions, type CollectorInput, type CollectorOptions } from './config.ts';
import { LifecycleSpans } from './lifecycle-spans.ts';
import { MetricsCollector } from './metrics-collector.ts';
import { RequestCounters } from './request-counters.ts';
import { createTraceHeaderLines, currentTraceId, traceOf } from './request-context.ts';
import { writeRejectedSpan } from './rejected-span.ts';
import { isFailure, shapeOf, writeRequestSpans, type RequestFacts } from './request-spans.ts';
import { createResourceOf } from './resource.ts';
import { createSampler } from './sampler.ts';
import { SpanExporter, type SpanExportStats } from './span-exporter.ts';

export { currentTraceId } from './request-context.ts';
export { collectorDefaults, resolveCollectorOptions, optionsFromEnv } from './config.ts';
export type { CollectorInput, CollectorOptions, OtlpProtocol } from './config.ts';
export * as semconv from './semconv.ts';

/** Path of the worker preload (plain CommonJS, no dependency on the host). */
export const WORKER_PRELOAD = path.join(import.meta.dirname, 'preload', 'telemetry.cjs');

/** What the collector knows about the host it runs in. */
export interface CollectorHost {
  readonly farmName: string;
  readonly serverName: string;
  /** The app runtimes now serving (changes with recycles and reloads). */
  readonly apps: () => readonly AppRuntime[];
  /** Lifecycle logs: on/off, exports failing and recovering (never per request or per export). */
  readonly log?: Logger;
}

/** Counters for status output and tests. */
export interface CollectorStats extends SpanExportStats {
  readonly requests: number;
  readonly sampledOut: number;
  readonly metricExports: number;
  readonly metricFailures: number;
}

/** The collector of one host. */
export interface Collector {
  readonly options: CollectorOptions;
  /** The proxy's `traceHeaders` hook: fixes each request's trace, gives the worker its `traceparent`; undefined when off. */
  readonly traceHeaders: ((req: ProxyRequest) => string) | undefined;
  /**
   * Extra worker environment for the preload (undefined when off or without `workerPreload`). `nodeOptions`
   * is the NODE_OPTIONS the worker would get otherwise; the preload's `--require` is appended to it.
   */
  workerEnv(app: string, nodeOptions: string | undefined): Record<string, string> | undefined;
  /** Subscribes to the host's channels and starts the metrics timer. No-op when off. */
  start(): void;
  /** The trace id of a request (for the iisnode-debug header). */
  traceId(req: ProxyRequest): string | undefined;
  stats(): CollectorStats;
  /** Unsubscribes, exports what is queued and a last metrics sample, within `deadlineMs`. */
  shutdown(deadlineMs?: number): Promise<void>;
}

/**
 * Creates the collector. Throws NodefarmError HOST_TELEMETRY_INVALID when the options (or the OTEL_*
 * variables in `env`) are invalid; a disabled collector does nothing at all.
 */
export function createCollector(host: CollectorHost, input: CollectorInput = {}, env: Readonly<Record<string, string | undefined>> = {}): Collector {
  const resolved = resolveCollectorOptions(input, env);
  if (!resolved.ok) throw new NodefarmError('HOST_TELEMETRY_INVALID', { problems: resolved.problems.join('; ') });
  const options = resolved.options;
  if (!options.enabled) return disabledCollector(options);

  const hostPid = process.pid;
  const resourceOf = createResourceOf({
    farmName: host.farmName, serverName: host.serverName, environment: options.environment, hostPid,
    instanceId: options.instanceId || `${host.serverName}:${hostPid}`, extra: options.resourceAttributes,
  });
  const sampler = createSampler(options.samplingRatio, options.parentBased);
  const exporter = new SpanExporter(options, resourceOf, (ok, error) => {
    if (ok) host.log?.info('telemetry export recovered', { url: options.tracesUrl, dropped: exporter.stats().droppedExportFailed });
    else host.log?.warn('telemetry export failing; spans are dropped and counted', { url: options.tracesUrl, error });
  });
  const counters = new RequestCounters();
  const lifecycle = new LifecycleSpans(hostPid);
  const metrics = new MetricsCollector(options, {
    apps: host.apps, counters, spanStats: () => exporter.stats(), hostApp: '',
  }, resourceOf);
  const known = new Set<string>();
  let requests = 0;
  let sampledOut = 0;
  let hostRssKb = 0;
  let hostRssAt = -Infinity;
  let started = false;
  // One facts record, refilled per request: spans are written before the next request is looked at.
  const facts: { -readonly [K in keyof RequestFacts]: RequestFacts[K] } = {
    hostPid, hostRssKb: 0, workerRssKb: undefined, appProcesses: 0, processActive: 0, appActive: 0, totalRequests: 0, flushResponse: false,
  };

  const isOurs = (app: string): boolean => {
    if (known.has(app)) return true;
    for (const rt of host.apps()) known.add(rt.app.name);
    return known.has(app);
  };
  const runtimeOf = (app: string): AppRuntime | undefined => {
    for (const rt of host.apps()) if (rt.app.name === app) return rt;
    return undefined;
  };

  const onRequest = (message: unknown): void => {
    const e = message as RequestEvent;
    if (!isOurs(e.app)) return;
    requests++;
    const o = e.outcome;
    counters.add(e.app, o.status, o.substatus);
    const trace = traceOf(e.req, sampler);
    if (!trace.sampled && !isFailure(o.status, o)) {
      sampledOut++;
      return;
    }
    const now = performance.now();
    if (now - hostRssAt > 1000) {
      hostRssKb = Math.floor(process.memoryUsage.rss() / 1024);
      hostRssAt = now;
    }
    const shape = shapeOf(e.upgrade, o);
    // Spans are encoded straight into the pending export body: no span objects, nothing to encode later.
    const out = exporter.reserve(shape.spans);
    if (!out) return;
    const rt = runtimeOf(e.app);
    let processActive = 1;
    let appActive = 1;
    for (const slot of rt?.pool.slots ?? []) {
      const w = slot.worker;
      if (!w) continue;
      appActive += w.active;
      if (w.id === e.workerId) processActive += w.active;
    }
    facts.hostRssKb = hostRssKb;
    facts.workerRssKb = metrics.workerRssKb(o.workerPid);
    facts.appProcesses = rt?.pool.slots.length ?? 0;
    facts.processActive = processActive;
    facts.appActive = appActive;
    facts.totalRequests = requests;
    facts.flushResponse = rt?.app.settings.flushResponse ?? false;
    writeRequestSpans(out, e.app, e.workerId, e.upgrade, e.req, o, shape, e.receivedAt, trace, facts);
    exporter.commit(shape.spans);
  };

  const onRejected = (message: unknown): void => {
    const e = message as RejectedEvent;
    const app = e.app ?? '';
    if (e.app !== null && !isOurs(e.app)) return;
    counters.add(app, e.status, e.substatus);
    if (e.app === null) return; // no app: nothing to attach a trace to
    const trace = traceOf(e.req, sampler);
    if (!trace.sampled && !isFailure(e.status)) {
      sampledOut++;
      return;
    }
    const out = exporter.reserve(1);
    if (!out) return;
    writeRejectedSpan(out, e, app, trace, hostPid, performance.now());
    exporter.commit(1);
  };

  const onWorker = (message: unknown): void => {
    const e = message as WorkerEvent;
    if (!isOurs(e.app)) return;
    const spans = lifecycle.onEvent(e.app, e.event);
    if (spans.length) exporter.add(spans);
  };

  return {
    options,
    traceHeaders: createTraceHeaderLines(sampler),
    workerEnv(app, nodeOptions) {
      if (!options.workerPreload) return undefined;
      const preload = `--require ${JSON.stringify(WORKER_PRELOAD)}`;
      return {
        NODE_OPTIONS: nodeOptions ? `${nodeOptions} ${preload}` : preload,
        NODEFARM_TELEMETRY_PRELOAD: preload,
        NODEFARM_HOST_PID: String(hostPid),
        OTEL_SERVICE_NAME: app,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: options.tracesUrl,
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: options.metricsUrl,
        OTEL_METRIC_EXPORT_INTERVAL: String(options.metricsIntervalMs),
        OTEL_TRACES_SAMPLER: options.parentBased ? 'parentbased_traceidratio' : 'traceidratio',
        OTEL_TRACES_SAMPLER_ARG: String(options.samplingRatio),
        OTEL_RESOURCE_ATTRIBUTES: Object.entries({
          ...options.resourceAttributes,
          'host.name': host.serverName, 'nodefarm.farm': host.farmName, 'deployment.environment': options.environment,
          'service.instance.id': options.instanceId || `${host.serverName}:${hostPid}`,
        }).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join(','),
        ...(Object.keys(options.headers).length
          ? { OTEL_EXPORTER_OTLP_HEADERS: Object.entries(options.headers).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join(',') }
          : {}),
      };
    },
    start() {
      if (started) return;
      started = true;
      subscribe('nodefarm:request', onRequest);
      subscribe('nodefarm:rejected', onRejected);
      subscribe('nodefarm:worker', onWorker);
      metrics.start();
      host.log?.info('telemetry on', {
        tracesUrl: options.tracesUrl, protocol: options.protocol, samplingRatio: options.samplingRatio, workerPreload: options.workerPreload,
      });
    },
    traceId: currentTraceId,
    stats() {
      return { ...exporter.stats(), requests, sampledOut, metricExports: metrics.exports, metricFailures: metrics.failures };
    },
    async shutdown(deadlineMs = 5000) {
      if (started) {
        unsubscribe('nodefarm:request', onRequest);
        unsubscribe('nodefarm:rejected', onRejected);
        unsubscribe('nodefarm:worker', onWorker);
        started = false;
      }
      const half = Math.max(0, deadlineMs / 2);
      await exporter.shutdown(half);
      await metrics.shutdown(half);
    },
  };
}

function disabledCollector(options: CollectorOptions): Collector {
  const stats: CollectorStats = Object.freeze({
    queued: 0, exporting: 0, accepted: 0, droppedQueueFull: 0, droppedExportFailed: 0, exported: 0, failedExports: 0, lastError: '',
    requests: 0, sampledOut: 0, metricExports: 0, metricFailures: 0,
  });
  return {
    options,
    traceHeaders: undefined,
    workerEnv: () => undefined,
    start: () => undefined,
    traceId: () => undefined,
    stats: () => stats,
    shutdown: () => Promise.resolve(),
  };
}
