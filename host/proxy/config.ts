import type { ProxyRequest } from './exchange-types.ts';
import type { IisnodeSettings } from '../config/iisnode-settings.ts';
import type { WorkerTarget } from './worker-target.ts';

/** What a host-generated error response is about; handed to {@link ProxyOptions.renderError}. */
export interface HostErrorInfo {
  readonly status: number;
  readonly substatus: number;
  /** Short name from host/status-codes.ts, e.g. "worker connection failed". */
  readonly name: string;
  readonly errno: string | undefined;
  readonly retries: number;
  readonly target: WorkerTarget;
  readonly req: ProxyRequest;
}

/** The body (and optionally a different status, e.g. iisnode's 200 dev-error page) of a host error response. */
export interface RenderedError {
  readonly status?: number;
  readonly contentType: string;
  readonly body: string | Buffer;
  /** Extra headers as a flat [name, value, …] list. */
  readonly headers?: readonly string[];
}

/** Facts available when response headers are about to be written; handed to {@link ProxyOptions.decorateResponseHeaders}. */
export interface ResponseHeadInfo {
  readonly status: number;
  readonly substatus: number;
  readonly hostError: boolean;
  readonly retries: number;
  readonly connectMs: number;
  readonly target: WorkerTarget;
  readonly req: ProxyRequest;
}

/** Options of {@link createProxy}; the iisnode names keep iisnode's meaning and units. */
export interface ProxyOptions {
  /** Connect retries before 500.1001 / 503.1003. */
  maxNamedPipeConnectionRetry: number;
  /** Fixed delay between connect retries, ms. */
  namedPipeConnectionRetryDelay: number;
  /** Idle keep-alive connections kept per worker. */
  maxNamedPipeConnectionPoolSize: number;
  /** An idle connection older than this (ms) is closed instead of reused. */
  maxNamedPipePooledConnectionAge: number;
  /** Largest response header block (and chunk-size line) accepted from a worker, bytes (500.1012 beyond). */
  maxRequestBufferSize: number;
  /** Write every chunk of a chunked worker response to the client on its own; false coalesces per socket read. */
  flushResponse: boolean;
  /**
   * Once the first response byte has arrived, the whole header block must arrive within this many ms
   * (500.1014, errno ETIMEDOUT otherwise). Guards against workers that trickle headers forever. 0 = no limit.
   */
  responseHeadTimeout: number;
  /**
   * Called with the response headers (flat [name, value, …] list, editable in place) just before they are
   * written, for worker and host-generated responses alike. The iisnode-debug header is added here.
   */
  decorateResponseHeaders: ((rawHeaders: string[], info: ResponseHeadInfo) => void) | undefined;
  /**
   * Edits the request headers sent to the worker: called with a copy of `req.rawHeaders` (flat [name, value, …]
   * list), returns the list to send (hop-by-hop headers are still removed afterwards). For iisnode's enableXFF
   * and promoteServerVars. Undefined (the default) sends the client's headers as they are, without a copy.
   */
  rewriteRequestHeaders: ((req: ProxyRequest, rawHeaders: string[]) => string[]) | undefined;
  /**
   * Trace context for the worker: returns complete header lines (`traceparent: …\r\n`, optionally
   * `tracestate: …\r\n`) that replace any the client sent. A narrower hook than rewriteRequestHeaders, so
   * telemetry costs no copy of the header list and no per-header checks: the lines come from the collector.
   */
  traceHeaders: ((req: ProxyRequest) => string) | undefined;
  /** Renders host error responses; default: text/plain `<status>.<substatus> <name>`. */
  renderError: ((info: HostErrorInfo) => RenderedError) | undefined;
}

/** iisnode's defaults for the proxy settings, plus nodefarm's own. */
export const proxyDefaults: Readonly<ProxyOptions> = Object.freeze({
  maxNamedPipeConnectionRetry: 100,
  namedPipeConnectionRetryDelay: 250,
  maxNamedPipeConnectionPoolSize: 512,
  maxNamedPipePooledConnectionAge: 30000,
  maxRequestBufferSize: 65536,
  flushResponse: false,
  responseHeadTimeout: 120000,
  decorateResponseHeaders: undefined,
  rewriteRequestHeaders: undefined,
  traceHeaders: undefined,
  renderError: undefined,
});

type SettingsSubset = Pick<IisnodeSettings, 'maxNamedPipeConnectionRetry' | 'namedPipeConnectionRetryDelay' |
  'maxNamedPipeConnectionPoolSize' | 'maxNamedPipePooledConnectionAge' | 'maxRequestBufferSize' | 'flushResponse'>;

/** Picks the proxy's settings out of an app's validated settings. */
export function proxySettingsFrom(settings: SettingsSubset): Partial<ProxyOptions> {
  return {
    maxNamedPipeConnectionRetry: settings.maxNamedPipeConnectionRetry,
    namedPipeConnectionRetryDelay: settings.namedPipeConnectionRetryDelay,
    maxNamedPipeConnectionPoolSize: settings.maxNamedPipeConnectionPoolSize,
    maxNamedPipePooledConnectionAge: settings.maxNamedPipePooledConnectionAge,
    maxRequestBufferSize: settings.maxRequestBufferSize,
    flushResponse: settings.flushResponse,
  };
}

const numericKeys = ['maxNamedPipeConnectionRetry', 'namedPipeConnectionRetryDelay', 'maxNamedPipeConnectionPoolSize',
  'maxNamedPipePooledConnectionAge', 'maxRequestBufferSize', 'responseHeadTimeout'] as const;

/**
 * Merges options over the defaults. Values come already validated from the config loader; this only guards
 * against programming errors (a negative or non-finite number falls back to the default) so the proxy never
 * runs with a nonsensical value.
 */
export function resolveProxyOptions(options: Partial<ProxyOptions> = {}): ProxyOptions {
  const resolved: ProxyOptions = { ...proxyDefaults };
  for (const key of numericKeys) {
    const v = options[key];
    if (typeof v === 'number' && v >= 0 && !Number.isNaN(v)) resolved[key] = v;
  }
  if (resolved.maxRequestBufferSize < 1024) resolved.maxRequestBufferSize = 1024;
  if (typeof options.flushResponse === 'boolean') resolved.flushResponse = options.flushResponse;
  if (options.decorateResponseHeaders) resolved.decorateResponseHeaders = options.decorateResponseHeaders;
  if (options.renderError) resolved.renderError = options.renderError;
  if (options.rewriteRequestHeaders) resolved.rewriteRequestHeaders = options.rewriteRequestHeaders;
  if (options.traceHeaders) resolved.traceHeaders = options.traceHeaders;
  return resolved;
}
