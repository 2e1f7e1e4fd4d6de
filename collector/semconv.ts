/**
 * The telemetry contract: every span name, metric name and attribute key the collector and the worker
 * preload emit. Dashboards, the ingester (processors/ingest) and the ClickHouse schema read these names, so
 * they change only together with {@link CONTRACT_VERSION} (exported as the instrumentation scope version).
 * docs/telemetry.md describes each one.
 */

/** Bumped on any incompatible change of a name, a unit or a meaning below. */
export const CONTRACT_VERSION = '1';

/** Instrumentation scope of the host's spans and metrics. */
export const SCOPE_NAME = 'nodefarm.host';
/** Instrumentation scope of the worker preload (collector/preload/telemetry.cjs). */
export const PRELOAD_SCOPE_NAME = 'nodefarm.worker';

/** Span names. */
export const SPAN = {
  /** SERVER span: one per request that reached the host, from arrival to the end of the response. */
  request: 'request',
  /** Obtaining a worker connection: pooled take or fresh connect including retries. */
  pipeConnect: 'pipe.connect',
  /** One wait between two connect attempts. */
  pipeRetry: 'pipe.retry',
  /** Request written to the worker → the worker's response headers parsed. */
  dispatch: 'dispatch',
  /** Relaying the response body to the client. */
  responseFlush: 'response.flush',
  /** Worker spawn → listening (the cold start). */
  processStart: 'process.start',
  /** Worker exit (a zero-length span at the exit time). */
  processExit: 'process.exit',
  /** Inside a worker (preload): the app's own handling of one request. */
  workerRequest: 'worker.request',
  /** Inside a worker (preload): an uncaught exception that ends the process. */
  workerException: 'worker.exception',
} as const;

/** OTLP SpanKind numbers. */
export const KIND = { internal: 1, server: 2, client: 3 } as const;

/** OTLP status codes. */
export const STATUS = { unset: 0, ok: 1, error: 2 } as const;

/** Resource attributes (every span and metric of one app share one resource). */
export const RESOURCE = {
  serviceName: 'service.name',
  serviceVersion: 'service.version',
  serviceInstanceId: 'service.instance.id',
  hostName: 'host.name',
  farm: 'nodefarm.farm',
  environment: 'deployment.environment',
  processPid: 'process.pid',
  contractVersion: 'nodefarm.telemetry.version',
} as const;

/** Span and data point attributes. OpenTelemetry semantic conventions where they exist. */
export const ATTR = {
  httpMethod: 'http.request.method',
  urlPath: 'url.path',
  urlScheme: 'url.scheme',
  httpStatus: 'http.response.status_code',
  serverAddress: 'server.address',
  networkTransport: 'network.transport',
  userAgent: 'user_agent.original',
  processPid: 'process.pid',
  errorType: 'error.type',
  // iisnode-debug facts
  substatus: 'iisnode.substatus',
  errno: 'iisnode.errno',
  npRetry: 'iisnode.np_retry',
  nodePid: 'iisnode.node_pid',
  workerPid: 'iisnode.worker_pid',
  workerMemWs: 'iisnode.worker_mem_ws',
  nodeMemWs: 'iisnode.node_mem_ws',
  appProcesses: 'iisnode.app_processes',
  processActiveReq: 'iisnode.process_active_req',
  appActiveReq: 'iisnode.app_active_req',
  workerTotalReq: 'iisnode.worker_total_req',
  // nodefarm facts
  hostError: 'nodefarm.host_error',
  truncated: 'nodefarm.truncated',
  clientAborted: 'nodefarm.client_aborted',
  upgrade: 'nodefarm.upgrade',
  rejectReason: 'nodefarm.reject_reason',
  queueMs: 'nodefarm.queue_ms',
  workerId: 'nodefarm.worker.id',
  // pipe.connect / pipe.retry
  pooled: 'nodefarm.pipe.pooled',
  reconnected: 'nodefarm.pipe.reconnected',
  attempts: 'nodefarm.pipe.attempts',
  retryAttempt: 'nodefarm.pipe.retry_attempt',
  // response.flush
  bodyBytes: 'nodefarm.response.bytes',
  requestBytes: 'nodefarm.request.bytes',
  chunks: 'nodefarm.response.chunks',
  flushes: 'nodefarm.response.flushes',
  flushResponse: 'nodefarm.response.flush_response',
  // worker lifecycle (the ingester's LIFECYCLE_ATTRS)
  workerReason: 'nodefarm.worker.reason',
  exitCode: 'process.exit.code',
  signal: 'nodefarm.worker.signal',
  uptimeMs: 'nodefarm.worker.uptime_ms',
  requestsServed: 'nodefarm.worker.requests_served',
  coldStartMs: 'nodefarm.worker.cold_start_ms',
  restartInMs: 'nodefarm.worker.restart_in_ms',
  exitDetail: 'nodefarm.worker.exit_detail',
  slot: 'nodefarm.worker.slot',
  // metrics
  status: 'http.response.status_code',
  processKind: 'nodefarm.process',
  memoryType: 'process.memory.type',
} as const;

/** `nodefarm.worker.reason` values of `process.exit`. */
export const EXIT_REASON = {
  crash: 'crash',
  fileChange: 'file-change',
  signalRecycle: 'signal-recycle',
  configReload: 'config-reload',
  memoryLimit: 'memory-limit',
  shutdown: 'shutdown',
  recycle: 'recycle',
} as const;

/** Metric names (OTLP). Gauges unless noted; `iisnode.node_pid` = 0 marks the host's own points. */
export const METRIC = {
  /** RSS, bytes (the `memory_1m` rollup reads it). */
  memoryUsage: 'process.memory.usage',
  /** V8 heap used, bytes (host: its own; workers: from the preload). */
  heapUsed: 'nodefarm.process.heap.used',
  /** Requests held by a worker (or the app) right now. */
  activeRequests: 'nodefarm.requests.active',
  /** Requests waiting for a worker slot. */
  queueLength: 'nodefarm.queue.length',
  /** Sum, cumulative: worker restarts after an exit, per app. */
  restarts: 'nodefarm.worker.restarts',
  /** Sum, cumulative: requests by `http.response.status_code` and `iisnode.substatus`, per app. */
  requests: 'nodefarm.requests',
  /** Sum, cumulative: spans dropped because the export queue was full or an export failed. */
  spansDropped: 'nodefarm.telemetry.spans.dropped',
  /** Sum, cumulative: spans exported successfully. */
  spansExported: 'nodefarm.telemetry.spans.exported',
  /** Worker preload: event-loop delay p99, ns. */
  eventLoopDelay: 'nodejs.eventloop.delay.p99',
} as const;
