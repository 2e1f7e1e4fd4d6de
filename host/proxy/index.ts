/**
 * The request proxy: forwards client requests to worker processes over their Unix sockets (HTTP/1.1),
 * the Linux counterpart of iisnode's named-pipe protocol bridge.
 *
 * ```ts
 * const proxy = createProxy({ ...proxySettingsFrom(settings), decorateResponseHeaders, renderError });
 * server.on('request', async (req, res) => {
 *   const outcome = await proxy.forward(req, res, worker);   // never rejects
 *   // outcome.status / substatus / retries / … → logs, metrics, worker bookkeeping
 * });
 * server.on('upgrade', async (req, socket, head) => {
 *   const outcome = await proxy.forwardUpgrade(req, socket, head, worker); // resolves when both sides closed
 * });
 * worker.on('exit', () => proxy.closeTarget(worker.id));
 * await proxy.close();
 * ```
 *
 * Contract:
 * - `forward` owns `res` until its promise resolves: it writes the worker's response, or a host error response
 *   (500.1001 etc., rendered by `renderError`), or ends the client connection when a response that had already
 *   started fails. The promise resolves once the exchange is over (response finished or abandoned).
 * - `forwardUpgrade` owns `socket`; the outcome resolves when both directions have closed, so a WebSocket
 *   holds its worker slot for its whole life. Upgrade connections are never pooled.
 * - Connections are pooled per target (LIFO, at most maxNamedPipeConnectionPoolSize idle, idle longer than
 *   maxNamedPipePooledConnectionAge or than the worker's announced keep-alive timeout closed). A pooled
 *   connection found dead before any response byte is replaced once by a fresh connection.
 * - Connect failures are retried every namedPipeConnectionRetryDelay ms up to maxNamedPipeConnectionRetry
 *   times; a target whose `hasExited()` is true stops the loop at once (500.1002).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { resolveProxyOptions, type ProxyOptions } from './config.ts';
import type { ForwardOutcome } from './outcome.ts';
import type { ProxyRequest, ProxyResponse } from './exchange-types.ts';
import type { WorkerTarget } from './worker-target.ts';
import { PoolRegistry } from './pool-registry.ts';
import { forwardRequest } from './forward-request.ts';
import { forwardUpgrade } from './forward-upgrade.ts';

export type { ForwardOutcome } from './outcome.ts';
export type { WorkerTarget } from './worker-target.ts';
export type { ProxyRequest, ProxyResponse } from './exchange-types.ts';
export type { ProxyOptions, HostErrorInfo, RenderedError, ResponseHeadInfo } from './config.ts';
export { proxyDefaults, proxySettingsFrom, resolveProxyOptions } from './config.ts';

/** Pool counters for status pages and tests. */
export interface ProxyStats {
  /** Idle pooled connections per target id. */
  readonly idle: ReadonlyMap<string, number>;
  /** Connections opened since start. */
  readonly connectionsOpened: number;
  /** Connections taken from a pool since start. */
  readonly connectionsReused: number;
}

/** The proxy returned by {@link createProxy}. */
export interface Proxy {
  /** Forwards one request to `target` and relays the response to `res`. Never rejects. */
  forward(req: ProxyRequest, res: ProxyResponse, target: WorkerTarget): Promise<ForwardOutcome>;
  /** Forwards an HTTP Upgrade (WebSocket) request; resolves when both directions have closed. Never rejects. */
  forwardUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: WorkerTarget): Promise<ForwardOutcome>;
  /** Closes the idle connections of one target (call when its worker exits or is recycled). */
  closeTarget(targetId: string): void;
  /** Closes every idle connection and stops pooling; in-flight exchanges finish on their own connections. */
  close(): Promise<void>;
  /** Current pool counters. */
  stats(): ProxyStats;
}

/** Creates a proxy with the given options (defaults: iisnode's). */
export function createProxy(options: Partial<ProxyOptions> = {}): Proxy {
  const opts = resolveProxyOptions(options);
  const pools = new PoolRegistry(opts);
  return {
    forward: (req, res, target) => forwardRequest(opts, pools, req, res, target),
    forwardUpgrade: (req, socket, head, target) => forwardUpgrade(opts, pools, req, socket, head, target),
    closeTarget: (targetId) => pools.closeTarget(targetId),
    close: async () => pools.closeAll(),
    stats: () => pools.stats(),
  };
}
