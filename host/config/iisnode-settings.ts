/**
 * The per-application settings, under their iisnode names (see docs/configuration.md).
 *
 * This interface is the contract between the config loader (which parses iisnode.yml, IISNODE_* variables
 * and nodefarm.yml, applies defaults and validates) and the runtime (which only ever sees a complete,
 * validated value of this type). Units follow iisnode: times in milliseconds, sizes as iisnode names them.
 */
export interface IisnodeSettings {
  /** NODE_ENV for the workers; empty = leave the inherited value alone. */
  node_env: string;
  /** Accepted for compatibility; no meaning on Linux (libuv owns the thread pool). */
  asyncCompletionThreadCount: number;
  /** Workers per app; 0 = one per CPU. */
  nodeProcessCountPerApplication: number;
  /** Executable and arguments that start a worker; the app script is appended. */
  nodeProcessCommandLine: string;
  /** Script run before the app (iisnode's interceptor); empty = run the app directly. */
  interceptor: string;
  /** Per-worker cap on concurrent requests; Infinity = no cap. */
  maxConcurrentRequestsPerProcess: number;
  /** Connect retries to a worker's socket before 500.1001 / 503.1003. */
  maxNamedPipeConnectionRetry: number;
  /** Fixed delay between connect retries, ms. */
  namedPipeConnectionRetryDelay: number;
  /** Idle keep-alive connections kept per worker. */
  maxNamedPipeConnectionPoolSize: number;
  /** A pooled connection idle longer than this (ms) is closed, not reused. */
  maxNamedPipePooledConnectionAge: number;
  /** Accepted for compatibility (iisnode's buffer growth start), bytes. */
  initialRequestBufferSize: number;
  /** Largest request header block / response header block or chunk header, bytes. */
  maxRequestBufferSize: number;
  /** Polling period for watched files where change notifications do not work, ms. */
  uncFileChangesPollingInterval: number;
  /** How long a recycled worker may drain before SIGTERM, ms. 0 = no wait. */
  gracefulShutdownTimeout: number;
  /** Log folder, relative to the app's folder. */
  logDirectory: string;
  /** Start workers with Node's inspector on a loopback port. */
  debuggingEnabled: boolean;
  /** Accepted for compatibility; no meaning on Linux. */
  debuggerExtensionDll: string;
  /** Add the iisnode-debug response header. */
  debugHeaderEnabled: boolean;
  /** Accepted for compatibility; no meaning on Linux. */
  debuggerVirtualDir: string;
  /** URL segment after the app path that answers debugger requests. */
  debuggerPathSegment: string;
  /** Inspector port range, `start[-end]`. */
  debuggerPortRange: string;
  /** Size at which a log file rolls over, KB. */
  maxLogFileSizeInKB: number;
  /** Total size of the log folder, KB. */
  maxTotalLogFileSizeInKB: number;
  /** Number of files in the log folder. */
  maxLogFiles: number;
  /** Capture workers' stdout/stderr to files. */
  loggingEnabled: boolean;
  /** Host-generated 5xx answers carry an HTML diagnostic page. */
  devErrorsEnabled: boolean;
  /** Flush every chunk of a chunked response to the client at once. */
  flushResponse: boolean;
  /** `;`-separated files (wildcards in the name part) whose change recycles the app. */
  watchedFiles: string;
  /** Add or extend X-Forwarded-For and add X-Forwarded-Proto. */
  enableXFF: boolean;
  /** Comma-separated server variables forwarded as x-iisnode-<name> headers. */
  promoteServerVars: string;
  /** Name of the override file in the app's folder. */
  configOverrides: string;
  /** Give each worker IISNODE_CONTROL_PIPE; writing `recycle` to it recycles the app. */
  recycleSignalEnabled: boolean;
  /** Accepted for compatibility; no Linux equivalent (working-set trimming). */
  idlePageOutTimePeriod: number;
  /** Cookie-based worker affinity. */
  nodeProcessStickySessions: boolean;

  // nodefarm settings (no iisnode equivalent)
  /** How a worker is chosen: least outstanding requests (default) or iisnode's round robin. */
  dispatchPolicy: 'least-outstanding' | 'round-robin';
  /** Work sent ahead to a busy worker, ms of its recent throughput (at least 2 requests); 0 = send at once. */
  dispatchAheadMs: number;
  /** Requests that may wait for a free worker slot when every worker is at its cap. */
  maxQueuedRequestsPerApplication: number;
  /** Longest wait in that queue before 503.1000, ms. */
  maxQueueWaitTime: number;
  /** Linux scheduling class of the workers: SCHED_BATCH (default) or the normal one. */
  nodeProcessSchedulingPolicy: 'batch' | 'normal';
  /** URL segment after the app path that serves the log folder read-only; empty = logs are not served. */
  logsPathSegment: string;
  /** URL path after the app path of the page the iisnode-debug header points to. */
  debugHeaderPathSegment: string;
}

/** Every setting name, in the order of iisnode's schema followed by nodefarm's own. */
export type IisnodeSettingName = keyof IisnodeSettings;
