/**
 * Options of the collector (host telemetry), their defaults, and how the standard `OTEL_*` environment
 * variables feed them. Precedence, lowest first: defaults, environment, explicit options.
 */

/** Wire format of OTLP/HTTP exports. */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface CollectorOptions {
  /** Off means off: no hooks on the request path, no timers, no sockets. */
  readonly enabled: boolean;
  /** Full URL for traces (default `<endpoint>/v1/traces`). */
  readonly tracesUrl: string;
  /** Full URL for metrics (default `<endpoint>/v1/metrics`). */
  readonly metricsUrl: string;
  readonly protocol: OtlpProtocol;
  /** gzip the export bodies. */
  readonly gzip: boolean;
  /** Extra HTTP headers on every export (e.g. authorization). */
  readonly headers: Readonly<Record<string, string>>;
  /** Share of traces kept (0..1); failed requests are kept whatever the ratio. */
  readonly samplingRatio: number;
  /** Follow the sampled flag of an incoming `traceparent` (parent-based sampling). */
  readonly parentBased: boolean;
  /** `deployment.environment` of the resource. */
  readonly environment: string;
  /** `service.instance.id` (default: server name and host pid). */
  readonly instanceId: string;
  /** Extra resource attributes (OTEL_RESOURCE_ATTRIBUTES). */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  /** Spans waiting for export; beyond it new spans are dropped and counted. */
  readonly maxQueueSize: number;
  /** Spans per export request. */
  readonly maxExportBatchSize: number;
  /** Longest wait before a partial batch is sent, ms. */
  readonly scheduledDelayMs: number;
  /** One export attempt's deadline, ms. */
  readonly exportTimeoutMs: number;
  /** How often metrics are collected and exported, ms. */
  readonly metricsIntervalMs: number;
  /** Load collector/preload/telemetry.cjs into every worker (app spans, heap, event loop, uncaught errors). */
  readonly workerPreload: boolean;
}

export const collectorDefaults: CollectorOptions = Object.freeze({
  enabled: false,
  tracesUrl: 'http://127.0.0.1:4318/v1/traces',
  metricsUrl: 'http://127.0.0.1:4318/v1/metrics',
  protocol: 'http/protobuf',
  gzip: false,
  headers: Object.freeze({}),
  samplingRatio: 1,
  parentBased: true,
  environment: 'production',
  instanceId: '',
  resourceAttributes: Object.freeze({}),
  maxQueueSize: 2048,
  maxExportBatchSize: 512,
  scheduledDelayMs: 1000,
  exportTimeoutMs: 10_000,
  metricsIntervalMs: 10_000,
  workerPreload: false,
});

/** Options given in code or config; `endpoint` is the OTLP base URL (`/v1/traces` is appended). */
export type CollectorInput = Partial<CollectorOptions> & { readonly endpoint?: string };

/** The resolved options, or every problem found (an expected outcome, not a throw). */
export type ResolvedCollectorOptions =
  | { readonly ok: true; readonly options: CollectorOptions }
  | { readonly ok: false; readonly problems: readonly string[] };

type Env = Readonly<Record<string, string | undefined>>;

/** `OTEL_EXPORTER_OTLP_HEADERS` / `OTEL_RESOURCE_ATTRIBUTES` syntax: `k=v,k2=v2`, values percent-encoded. */
export function parseKeyValueList(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // Not percent-encoded after all: keep it as written.
    }
    if (key) out[key] = value;
  }
  return out;
}

function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}

/** Reads the `OTEL_*` variables the collector honours (see docs/telemetry.md). */
export function optionsFromEnv(env: Env): { input: CollectorInput; problems: string[] } {
  const input: Record<string, unknown> = {};
  const problems: string[] = [];
  const num = (name: string, key: string, scale = 1): void => {
    const v = env[name];
    if (v === undefined || v.trim() === '') return;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) problems.push(`${name}: expected a number >= 0, actual '${v}'`);
    else input[key] = n * scale;
  };
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') input.enabled = false;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (base) input.endpoint = base;
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) input.tracesUrl = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT) input.metricsUrl = env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT;
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL;
  if (protocol) input.protocol = protocol;
  const compression = env.OTEL_EXPORTER_OTLP_TRACES_COMPRESSION ?? env.OTEL_EXPORTER_OTLP_COMPRESSION;
  if (compression) {
    if (compression === 'gzip' || compression === 'none') input.gzip = compression === 'gzip';
    else problems.push(`OTEL_EXPORTER_OTLP_COMPRESSION: expected gzip or none, actual '${compression}'`);
  }
  const headers = { ...parseKeyValueList(env.OTEL_EXPORTER_OTLP_HEADERS ?? ''), ...parseKeyValueList(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS ?? '') };
  if (Object.keys(headers).length) input.headers = headers;
  num('OTEL_EXPORTER_OTLP_TIMEOUT', 'exportTimeoutMs');
  num('OTEL_BSP_MAX_QUEUE_SIZE', 'maxQueueSize');
  num('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 'maxExportBatchSize');
  num('OTEL_BSP_SCHEDULE_DELAY', 'scheduledDelayMs');
  num('OTEL_METRIC_EXPORT_INTERVAL', 'metricsIntervalMs');
  const sampler = env.OTEL_TRACES_SAMPLER?.trim();
  if (sampler) {
    const arg = env.OTEL_TRACES_SAMPLER_ARG;
    const ratio = arg === undefined || arg.trim() === '' ? 1 : Number(arg);
    switch (sampler) {
      case 'always_on': input.samplingRatio = 1; input.parentBased = false; break;
      case 'always_off': input.samplingRatio = 0; input.parentBased = false; break;
      case 'traceidratio': input.samplingRatio = ratio; input.parentBased = false; break;
      case 'parentbased_always_on': input.samplingRatio = 1; input.parentBased = true; break;
      case 'parentbased_always_off': input.samplingRatio = 0; input.parentBased = true; break;
      case 'parentbased_traceidratio': input.samplingRatio = ratio; input.parentBased = true; break;
      default: problems.push(`OTEL_TRACES_SAMPLER: unsupported sampler '${sampler}'`);
    }
  }
  const resource = parseKeyValueList(env.OTEL_RESOURCE_ATTRIBUTES ?? '');
  if (resource['deployment.environment']) input.environment = resource['deployment.environment'];
  if (Object.keys(resource).length) input.resourceAttributes = resource;
  return { input: input as CollectorInput, problems };
}

const positive = ['maxQueueSize', 'maxExportBatchSize', 'exportTimeoutMs', 'metricsIntervalMs'] as const;

/**
 * Resolves options: defaults, then `env` (OTEL_*), then `input`; `OTEL_SDK_DISABLED=true` turns telemetry off
 * whatever `input` says. Every invalid value is reported at once.
 */
export function resolveCollectorOptions(input: CollectorInput = {}, env: Env = {}): ResolvedCollectorOptions {
  const fromEnv = optionsFromEnv(env);
  const problems = [...fromEnv.problems];
  const merged: Record<string, unknown> = { ...collectorDefaults };
  for (const layer of [fromEnv.input, input]) {
    for (const [k, v] of Object.entries(layer)) if (v !== undefined && k !== 'endpoint') merged[k] = v;
    if (layer.endpoint) {
      if (!layer.tracesUrl) merged.tracesUrl = joinUrl(layer.endpoint, '/v1/traces');
      if (!layer.metricsUrl) merged.metricsUrl = joinUrl(layer.endpoint, '/v1/metrics');
    }
  }
  // OTEL_SDK_DISABLED is the operator's kill switch: it wins over everything, as in the OpenTelemetry SDKs.
  if (fromEnv.input.enabled === false) merged.enabled = false;
  const o = merged as unknown as CollectorOptions;
  for (const key of ['tracesUrl', 'metricsUrl'] as const) {
    try {
      const u = new URL(o[key]);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') problems.push(`${key}: expected an http(s) URL, actual '${o[key]}'`);
    } catch {
      problems.push(`${key}: expected an http(s) URL, actual '${String(o[key])}'`);
    }
  }
  if (o.protocol !== 'http/protobuf' && o.protocol !== 'http/json') {
    problems.push(`protocol: expected http/protobuf or http/json, actual '${String(o.protocol)}'`);
  }
  if (!(typeof o.samplingRatio === 'number' && o.samplingRatio >= 0 && o.samplingRatio <= 1)) {
    problems.push(`samplingRatio: expected a number from 0 to 1, actual '${String(o.samplingRatio)}'`);
  }
  for (const key of positive) {
    const v = o[key];
    if (!(typeof v === 'number' && Number.isFinite(v) && v >= 1)) problems.push(`${key}: expected a number >= 1, actual '${String(v)}'`);
  }
  if (!(typeof o.scheduledDelayMs === 'number' && o.scheduledDelayMs >= 0)) {
    problems.push(`scheduledDelayMs: expected a number >= 0, actual '${String(o.scheduledDelayMs)}'`);
  }
  if (problems.length) return { ok: false, problems };
  const options: CollectorOptions = {
    ...o,
    maxExportBatchSize: Math.min(o.maxExportBatchSize, o.maxQueueSize),
    headers: Object.freeze({ ...o.headers }),
    resourceAttributes: Object.freeze({ ...o.resourceAttributes }),
  };
  return { ok: true, options: Object.freeze(options) };
}
