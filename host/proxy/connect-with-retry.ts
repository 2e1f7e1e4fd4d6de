import { connect, type OnReadOpts, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ProxyOptions } from './config.ts';
import type { WorkerTarget } from './worker-target.ts';

/** Lets the caller stop a connect loop (the client went away) and wake it from its retry delay. */
export interface ConnectAbort {
  aborted: boolean;
  wake: (() => void) | undefined;
  /**
   * Each retry wait as [start, end] (`performance.now()` values) with the errno that caused it, for
   * telemetry's pipe.retry spans. Created on the first retry, so a first-try connect allocates nothing.
   */
  waits?: { readonly times: number[]; readonly errnos: string[] } | undefined;
}

/** Result of {@link connectWithRetry}: a socket, or the iisnode status that describes why not. */
export type ConnectResult =
  | { readonly socket: Socket; readonly retries: number; readonly errno: string | undefined }
  | { readonly socket: undefined; readonly status: number; readonly substatus: number; readonly retries: number;
      readonly errno: string | undefined };

/**
 * Errors that mean "not listening yet" or "backlog full right now": worth waiting for. Anything else (a path too
 * long for a Unix socket, permission denied, not a socket) cannot fix itself, so it fails at once as 500.1001.
 */
const transient = new Set(['ENOENT', 'ECONNREFUSED', 'EAGAIN', 'ECONNRESET', 'EINTR']);

/**
 * One connect attempt; resolves with the socket or the error code, never rejects. With `onread`, the socket reads
 * into the caller's buffer and hands each read to its callback instead of emitting 'data'.
 */
export function connectOnce(path: string, onread?: OnReadOpts): Promise<Socket | string> {
  return new Promise((resolve) => {
    const socket = onread ? connect({ path, onread }) : connect(path);
    const onError = (err: NodeJS.ErrnoException): void => {
      socket.destroy();
      resolve(err.code ?? 'EIO');
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.removeListener('error', onError);
      resolve(socket);
    });
  });
}

function delay(ms: number, abort: ConnectAbort): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      abort.wake = undefined;
      resolve();
    }
    abort.wake = done;
  });
}

/**
 * iisnode's connect loop on a Unix socket: attempts = retries + 1, a fixed delay between attempts, and on each
 * failure, in this order: retries exhausted → 503.1003 when the last error was EAGAIN (listen backlog full) else
 * 500.1001; target exited → 500.1002 at once; otherwise wait and retry. `retries` starts at `startRetries`
 * (1 when replacing a dead pooled connection, as iisnode does). An aborted loop reports 499.
 */
export async function connectWithRetry(target: WorkerTarget, opts: ProxyOptions, abort: ConnectAbort,
  startRetries = 0, onread?: OnReadOpts): Promise<ConnectResult> {
  let retries = startRetries;
  let errno: string | undefined;
  for (;;) {
    if (abort.aborted) return { socket: undefined, status: 499, substatus: 0, retries, errno };
    const result = await connectOnce(target.socketPath, onread);
    if (typeof result !== 'string') {
      if (abort.aborted) {
        result.destroy();
        return { socket: undefined, status: 499, substatus: 0, retries, errno };
      }
      return { socket: result, retries, errno };
    }
    errno = result;
    if (retries >= opts.maxNamedPipeConnectionRetry || !transient.has(errno)) {
      const busy = errno === 'EAGAIN';
      return { socket: undefined, status: busy ? 503 : 500, substatus: busy ? 1003 : 1001, retries, errno };
    }
    if (target.hasExited()) return { socket: undefined, status: 500, substatus: 1002, retries, errno };
    retries++;
    const waits = (abort.waits ??= { times: [], errnos: [] });
    waits.times.push(performance.now());
    await delay(opts.namedPipeConnectionRetryDelay, abort);
    waits.times.push(performance.now());
    waits.errnos.push(errno);
  }
}
