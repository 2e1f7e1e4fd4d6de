import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import type { HostSettings } from '../config/farm-config.ts';
import { isRejection, type AcquireResult, type Lease } from '../dispatch/index.ts';
import type { ProxyRequest, ProxyResponse } from '../proxy/index.ts';
import type { AppRuntime } from './app-runtime.ts';
import type { FrontServerOptions } from './config.ts';
import { rejectedChannel, requestChannel, type RejectedEvent, type RequestEvent } from './channels.ts';
import { sendHostError, sendUpgradeError } from './host-error.ts';
import { isLogsUrl, serveLogs } from '../logs/serve-logs.ts';
import { FrontHttpServer } from './front-http-server.ts';
import type { FastRequest } from './fast-request.ts';
import type { FastResponse } from './fast-response.ts';
import { RouteTable } from './route-table.ts';

/** Finds the runtime for a request (a RouteTable, or something that delegates to the current one). */
export interface Router {
  match(hostHeader: string | undefined, url: string | undefined): AppRuntime | undefined;
}

/**
 * Builds the front HTTP(S) server: routes each request to its app, takes a worker slot from the app's
 * dispatcher (or answers 404 / 503.x itself), hands the exchange to the proxy and gives the slot back when
 * the proxy reports the exchange over. Upgrades hold their slot until both sides have closed.
 */
export function createFrontServer(
  host: HostSettings, runtimes: readonly AppRuntime[], options: FrontServerOptions, router?: Router,
): Server {
  // A router that can change (recycles swap runtimes, reloads add and remove apps) is asked on every request.
  const routes: Router = router ?? new RouteTable(runtimes);
  const maxHeaderSize = options.maxHeaderSize ?? Math.max(16_384, ...runtimes.map((r) => r.app.settings.maxRequestBufferSize));
  const serverOptions = {
    maxHeaderSize,
    headersTimeout: options.headersTimeout,
    requestTimeout: options.requestTimeout,
    keepAliveTimeout: options.keepAliveTimeout,
    connectionsCheckingInterval: options.connectionsCheckingInterval,
  };
  // Plain requests on plain HTTP take the lean path (front-http-server.ts); TLS connections always use node's.
  const serveLean = (req: FastRequest, res: FastResponse): boolean => {
    const runtime = routes.match(req.headers.host, req.url);
    // URLs the host answers itself (logs, debug header page, debugger) are served by node's server.
    if (runtime && (isLogsUrl(runtime.app, req.url) || runtime.diagnostics?.claims(req.url))) return false;
    const receivedAt = performance.now();
    if (!runtime) {
      notFound(req, res, receivedAt);
      return true;
    }
    runtime.diagnostics?.countRequest();
    dispatch(runtime, req, res, receivedAt);
    return true;
  };
  const server: Server = host.tls
    // node:https (and TLS) is loaded only when used: it is several MB of host memory.
    ? process.getBuiltinModule('node:https').createServer({ ...serverOptions, cert: readFileSync(host.tls.certFile), key: readFileSync(host.tls.keyFile) })
    : new FrontHttpServer(serverOptions, {
      serve: serveLean, maxHeaderSize, headersTimeout: options.headersTimeout, keepAliveTimeout: options.keepAliveTimeout,
      connectionsCheckingInterval: options.connectionsCheckingInterval,
    });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const receivedAt = performance.now();
    const runtime = routes.match(req.headers.host, req.url);
    if (!runtime) {
      notFound(req, res, receivedAt);
      return;
    }
    if (serveLogs(runtime.app, req, res)) return; // the app's logs URL, when logsPathSegment is set
    if (runtime.diagnostics?.handle(req, res)) return; // debug header page, debugger URL (docs/diagnostics.md)
    dispatch(runtime, req, res, receivedAt);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {}); // a client reset must not become an uncaught error before the proxy owns it
    const receivedAt = performance.now();
    const runtime = routes.match(req.headers.host, req.url);
    if (!runtime) {
      sendUpgradeError(socket, 404, 0);
      publishRejected(null, req, true, 404, 0, 'no app matches the host and path', receivedAt);
      return;
    }
    runtime.diagnostics?.countRequest();
    const result = runtime.dispatcher.acquire(req.headers.cookie, socket, true);
    if (result instanceof Promise) void result.then((r) => upgrade(runtime, req, socket, head, r, receivedAt));
    else upgrade(runtime, req, socket, head, result, receivedAt);
  });

  return server;
}

/** Answers a request no app matches with 404 and publishes it as rejected. */
function notFound(req: ProxyRequest, res: ProxyResponse, receivedAt: number): void {
  sendHostError(res, 404, 0);
  publishRejected(null, req, false, 404, 0, 'no app matches the host and path', receivedAt);
}

/** Takes a worker slot (or a rejection) for a request and forwards it. */
function dispatch(runtime: AppRuntime, req: ProxyRequest, res: ProxyResponse, receivedAt: number): void {
  const result = runtime.dispatcher.acquire(req.headers.cookie, res);
  if (result instanceof Promise) void result.then((r) => serve(runtime, req, res, r, receivedAt));
  else serve(runtime, req, res, result, receivedAt);
}

function serve(runtime: AppRuntime, req: ProxyRequest, res: ProxyResponse, result: AcquireResult, receivedAt: number): void {
  if (isRejection(result)) {
    if (result.status === 499) res.destroy();
    else sendHostError(res, result.status, result.substatus, runtime.diagnostics?.renderRejection(result.status, result.substatus, result.reason));
    publishRejected(runtime.app.name, req, false, result.status, result.substatus, result.reason, receivedAt);
    return;
  }
  const lease: Lease = result;
  if (lease.setCookie) runtime.pendingCookies.set(req, lease.setCookie);
  void runtime.proxy.forward(req, res, lease.worker).then(
    (outcome) => {
      lease.release();
      if (requestChannel.hasSubscribers) {
        requestChannel.publish({ app: runtime.app.name, workerId: lease.worker.id, upgrade: false, req, outcome, receivedAt } satisfies RequestEvent);
      }
    },
    () => lease.release(),
  );
}

function upgrade(runtime: AppRuntime, req: IncomingMessage, socket: Duplex, head: Buffer, result: AcquireResult,
  receivedAt: number): void {
  if (isRejection(result)) {
    if (result.status === 499) socket.destroy();
    else sendUpgradeError(socket, result.status, result.substatus);
    publishRejected(runtime.app.name, req, true, result.status, result.substatus, result.reason, receivedAt);
    return;
  }
  const lease: Lease = result;
  if (lease.setCookie) runtime.pendingCookies.set(req, lease.setCookie);
  void runtime.proxy.forwardUpgrade(req, socket, head, lease.worker).then(
    (outcome) => {
      lease.release();
      if (requestChannel.hasSubscribers) {
        requestChannel.publish({ app: runtime.app.name, workerId: lease.worker.id, upgrade: true, req, outcome, receivedAt } satisfies RequestEvent);
      }
    },
    () => lease.release(),
  );
}

function publishRejected(
  app: string | null, req: ProxyRequest, upgrade: boolean, status: number, substatus: number, reason: string,
  receivedAt: number,
): void {
  if (rejectedChannel.hasSubscribers) {
    rejectedChannel.publish({ app, upgrade, req, status, substatus, reason, receivedAt } satisfies RejectedEvent);
  }
}
