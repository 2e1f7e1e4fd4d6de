/**
 * What happened to one forwarded request, as a value. The proxy never throws for request-level failures:
 * a worker that never listened, died mid-response or sent garbage all end up here.
 */
export interface ForwardOutcome {
  /**
   * HTTP status the client received: the worker's status, the host's error status (500/503) when
   * `hostError`, or 499 (never sent: nginx's "client closed request") when the client left before any
   * response head was written.
   */
  status: number;
  /**
   * iisnode-style substatus (see host/status-codes.ts): the host's failure code (1001, 1011, …) for host errors
   * and truncated responses, the worker's own substatus when it sent `HTTP/1.1 <code>.<substatus>`, else 0.
   */
  substatus: number;
  /** The host generated the response (the worker's answer never reached the client). */
  hostError: boolean;
  /** Response headers were already sent when the exchange failed; the client connection was ended early. */
  truncated: boolean;
  /** The client disconnected before the exchange finished; the worker request was aborted. */
  clientAborted: boolean;
  /** Last system error code seen (ECONNREFUSED, ENOENT, EAGAIN, EPIPE, ECONNRESET, ETIMEDOUT …), if any. */
  errno: string | undefined;
  /** Connect retries made (iisnode's np_retry). */
  retries: number;
  /** A pooled connection was reused for this request. */
  pooled: boolean;
  /** A pooled connection turned out dead and the request was re-sent once on a fresh one. */
  reconnected: boolean;
  /** Time spent obtaining a connection (pool take or connect, including retries), ms. */
  connectMs: number;
  /** Total time from `forward()` to the end of the exchange, ms. */
  totalMs: number;
  /** Pid of the worker the request went to. */
  workerPid: number;
  /** Request body bytes sent to the worker (for upgrades: client → worker bytes). */
  bytesIn: number;
  /** Response body bytes written to the client (for upgrades: worker → client bytes). */
  bytesOut: number;
  /** `performance.now()` when `forward()` started; the other times below are ms after it (telemetry timeline). */
  startedAt: number;
  /** Worker response headers parsed, ms after `startedAt` (0 when none arrived). */
  headersMs: number;
  /** Retry waits as [start, end, start, end, …] ms after `startedAt`; undefined when the first attempt worked. */
  retryWaits: number[] | undefined;
  /** The errno that caused each retry wait, in order. */
  retryErrnos: string[] | undefined;
  /** Response body pieces decoded from the worker. */
  chunks: number;
  /** Writes of response body to the client (with flushResponse one per chunk, else one per socket read). */
  flushes: number;
}

/** A fresh outcome for one exchange; fields are filled as it proceeds. */
export function newOutcome(workerPid: number): ForwardOutcome {
  return {
    status: 0,
    substatus: 0,
    hostError: false,
    truncated: false,
    clientAborted: false,
    errno: undefined,
    retries: 0,
    pooled: false,
    reconnected: false,
    connectMs: 0,
    totalMs: 0,
    workerPid,
    bytesIn: 0,
    bytesOut: 0,
    startedAt: 0,
    headersMs: 0,
    retryWaits: undefined,
    retryErrnos: undefined,
    chunks: 0,
    flushes: 0,
  };
}
