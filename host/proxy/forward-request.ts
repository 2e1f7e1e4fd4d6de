import { STATUS_CODES } from '../node-http.ts';
import { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { lookupStatus } from '../status-codes.ts';
import type { ProxyOptions } from './config.ts';
import { connectWithRetry, type ConnectAbort } from './connect-with-retry.ts';
import type { ProxyRequest, ProxyResponse } from './exchange-types.ts';
import { sendHostError } from './host-error.ts';
import { newOutcome, type ForwardOutcome } from './outcome.ts';
import type { PoolRegistry } from './pool-registry.ts';
import { RequestBodyPump } from './request-body-pump.ts';
import { buildRequestHead, requestBodyFraming } from './request-head.ts';
import type { ResponseHead } from './response-head.ts';
import { ResponseParser, type ResponseSink } from './response-parser.ts';
import { WorkerConnection, workerReadOptions, type ConnectionUser } from './worker-connection.ts';
import type { WorkerTarget } from './worker-target.ts';

/** Forwards one request; see {@link RequestExchange}. Never rejects. */
export function forwardRequest(opts: ProxyOptions, pools: PoolRegistry, req: ProxyRequest,
  res: ProxyResponse, target: WorkerTarget): Promise<ForwardOutcome> {
  return new RequestExchange(opts, pools, req, res, target).run();
}

/**
 * One request/response exchange with a worker. Full duplex: the request body streams to the worker while the
 * response streams back, each direction with backpressure (a full socket pauses its source). Every way it can
 * end — complete, host error, truncated, client gone — settles the outcome exactly once, when `res` closes.
 */
class RequestExchange implements ConnectionUser, ResponseSink {
  private readonly opts: ProxyOptions;
  private readonly pools: PoolRegistry;
  private readonly req: ProxyRequest;
  private readonly res: ProxyResponse;
  private readonly target: WorkerTarget;
  private readonly outcome: ForwardOutcome;
  private readonly t0 = performance.now();
  private readonly parser: ResponseParser;
  private readonly body: RequestBodyPump;
  private readonly abort: ConnectAbort = { aborted: false, wake: undefined };
  private conn: WorkerConnection | null = null;
  private resolve: (o: ForwardOutcome) => void = () => undefined;
  private settled = false;
  private head = '';
  private headersSent = false;
  private responseDone = false;
  private reusable = false;
  private workerPaused = false;
  private held: Buffer[] | undefined;
  private headTimer: NodeJS.Timeout | undefined;

  constructor(opts: ProxyOptions, pools: PoolRegistry, req: ProxyRequest, res: ProxyResponse,
    target: WorkerTarget) {
    this.opts = opts;
    this.pools = pools;
    this.req = req;
    this.res = res;
    this.target = target;
    this.outcome = newOutcome(target.pid);
    this.outcome.startedAt = this.t0;
    this.parser = new ResponseParser(this, opts.maxRequestBufferSize);
    // Only node's IncomingMessage carries a body; the lean path's requests have none.
    this.body = new RequestBodyPump(req instanceof Readable ? req : null, requestBodyFraming(req),
      () => this.workerClosed('EPIPE', 1009));
  }

  run(): Promise<ForwardOutcome> {
    if (this.res.destroyed || this.res.writableEnded) {
      // The client left (or was answered) while the request waited for a worker: nothing to forward.
      this.outcome.status = this.res.writableEnded ? this.res.statusCode : 499;
      this.outcome.clientAborted = !this.res.writableEnded;
      this.settled = true;
      return Promise.resolve(this.outcome);
    }
    const promise = new Promise<ForwardOutcome>((resolve) => { this.resolve = resolve; });
    this.res.once('close', this.onClientClose);
    this.head = buildRequestHead(this.req, false, this.opts.rewriteRequestHeaders, this.opts.traceHeaders);
    const pooled = this.pools.take(this.target, this.t0);
    if (pooled) {
      this.outcome.pooled = true;
      this.use(pooled);
    } else void this.connectFresh(0);
    return promise;
  }

  private async connectFresh(startRetries: number): Promise<void> {
    const r = await connectWithRetry(this.target, this.opts, this.abort, startRetries, workerReadOptions);
    this.outcome.retries = r.retries;
    if (r.errno) this.outcome.errno = r.errno;
    if (this.settled) {
      r.socket?.destroy();
      return;
    }
    if (!r.socket) {
      this.outcome.connectMs = performance.now() - this.t0;
      this.hostError(r.status, r.substatus);
      return;
    }
    this.pools.connectionsOpened++;
    this.use(new WorkerConnection(r.socket));
  }

  private use(conn: WorkerConnection): void {
    this.conn = conn;
    conn.user = this;
    this.outcome.connectMs = performance.now() - this.t0;
    this.parser.reset(this.req.method === 'HEAD');
    const socket = conn.socket;
    if (!socket.writable) {
      this.workerClosed('EPIPE', 1004);
      return;
    }
    socket.write(this.head, 'latin1'); // node decoded the request bytes as latin1: write them back unchanged
    this.body.pipeTo(socket);
  }

  onDrain(): void {
    this.body.resume();
  }

  // ---- worker socket events ----

  onData(chunk: Buffer): void {
    this.parser.execute(chunk);
    this.flushHeld();
    if (this.responseDone) this.release();
    else if (this.parser.inHead && this.headTimer === undefined && this.opts.responseHeadTimeout > 0 &&
      Number.isFinite(this.opts.responseHeadTimeout)) {
      this.headTimer = setTimeout(this.onHeadTimeout, this.opts.responseHeadTimeout);
    }
  }

  onEnd(): void {
    this.workerClosed(undefined, 0);
  }

  onError(err: NodeJS.ErrnoException): void {
    this.workerClosed(err.code ?? 'EIO', 0);
  }

  private readonly onHeadTimeout = (): void => {
    this.headTimer = undefined;
    if (this.settled || !this.parser.inHead) return;
    this.outcome.errno = 'ETIMEDOUT';
    this.parser.fail();
    this.failWorker(1014);
  };

  /**
   * The worker connection ended or failed before the response was complete. `syncSubstatus` is set when a
   * write was attempted on an already closed connection (1004 head, 1009 body).
   */
  private workerClosed(errno: string | undefined, syncSubstatus: number): void {
    const conn = this.conn;
    if (!conn || this.settled) return;
    this.conn = null;
    conn.kill();
    if (errno) this.outcome.errno = errno;
    // A pooled connection the worker had already closed (keep-alive timeout race): re-send once on a fresh
    // one, as long as nothing of the response arrived and no body byte was consumed from the client. On a
    // Unix socket that race shows as EPIPE (closed before our write) or ECONNRESET (closed with our request
    // unread); a clean EOF means the worker read the request and then died, which must not be replayed.
    if (this.outcome.pooled && !this.outcome.reconnected && !this.parser.anyByte && this.body.bytes === 0 &&
      (errno === 'EPIPE' || errno === 'ECONNRESET')) {
      this.outcome.reconnected = true;
      this.body.hold();
      void this.connectFresh(1);
      return;
    }
    let substatus = this.parser.finish();
    if (substatus === 0) return; // close-delimited body complete (onComplete ran) or nothing in progress
    if (!this.parser.anyByte) {
      if (syncSubstatus) substatus = syncSubstatus;
      else if (this.body.bytes > 0 && !this.body.done) substatus = 1010; // gone while the body was being sent
      else if (errno === 'EPIPE') substatus = 1006; // gone while the head was being written
    }
    this.failWorker(substatus);
  }

  // ---- response: worker → client ----

  onHead(head: ResponseHead): void {
    this.clearHeadTimer();
    this.outcome.headersMs = performance.now() - this.t0;
    if (head.framing === 'upgrade') { // 101 to a request that did not ask for an upgrade
      this.parser.fail();
      this.failWorker(1013);
      return;
    }
    this.outcome.status = head.status;
    this.outcome.substatus = head.substatus;
    this.reusable = head.reusable;
    const conn = this.conn;
    if (conn) conn.keepAliveMs = head.keepAliveMs;
    const headers = head.headers;
    const res = this.res;
    try {
      this.opts.decorateResponseHeaders?.(headers, {
        status: head.status, substatus: head.substatus, hostError: false, retries: this.outcome.retries,
        connectMs: this.outcome.connectMs, target: this.target, req: this.req,
      });
    } catch {
      // A faulty decorator must not break the response.
    }
    for (let i = 0; i < headers.length; i += 2) {
      if (headers[i]!.length === 4 && headers[i]!.toLowerCase() === 'date') res.sendDate = false;
    }
    try {
      res.writeHead(head.status, head.reason || (STATUS_CODES[head.status] ?? 'Unknown'), headers);
    } catch {
      // Node refused a header name or value (invalid characters): the head is malformed.
      this.parser.fail();
      this.outcome.status = 0;
      this.failWorker(1014);
      return;
    }
    this.headersSent = true;
  }

  onBody(chunk: Buffer): void {
    this.outcome.bytesOut += chunk.length;
    this.outcome.chunks++;
    if (this.opts.flushResponse) this.write(chunk);
    else (this.held ??= []).push(chunk); // sent as one piece when the socket read is fully parsed
  }

  /** Without flushResponse, the payload decoded from one socket read leaves as one write (one client chunk). */
  private flushHeld(): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    this.write(held.length === 1 ? held[0]! : Buffer.concat(held));
  }

  /**
   * A slice of the worker connection's read buffer, made safe to hand to the response: the next read reuses that
   * buffer, so a chunk the response may keep (queued behind a full socket) is copied; responses that copy small
   * chunks themselves (`copyLimit`) get those as they are.
   */
  private own(chunk: Buffer): Buffer {
    return chunk.length <= (this.res.copyLimit ?? 0) ? chunk : Buffer.from(chunk);
  }

  private write(chunk: Buffer): void {
    this.outcome.flushes++;
    if (!this.res.write(this.own(chunk)) && !this.workerPaused && this.conn) {
      this.workerPaused = true;
      this.conn.socket.pause();
      this.res.once('drain', this.onResponseDrain);
    }
  }

  private readonly onResponseDrain = (): void => {
    this.workerPaused = false;
    this.conn?.socket.resume();
  };

  onComplete(last?: Buffer): void {
    this.responseDone = true;
    this.flushHeld();
    if (last) {
      this.outcome.bytesOut += last.length;
      this.outcome.chunks++;
      this.outcome.flushes++;
      this.res.end(this.own(last));
    } else this.res.end();
    if (!this.body.done) this.body.stop();
  }

  onMalformed(substatus: number): void {
    this.clearHeadTimer();
    this.failWorker(substatus);
  }

  /** Returns the connection to the pool when it can carry another request, else closes it. */
  private release(): void {
    const conn = this.conn;
    if (!conn) return;
    if (!this.body.done) { // still streaming a body the worker no longer wants: the connection is unusable
      this.conn = null;
      conn.kill();
      return;
    }
    this.conn = null;
    conn.user = null;
    if (this.workerPaused) conn.socket.resume();
    if (this.reusable && !this.parser.extraBytes && !conn.dead) this.pools.give(this.target, conn, performance.now());
    else conn.kill();
  }

  private clearHeadTimer(): void {
    if (this.headTimer !== undefined) {
      clearTimeout(this.headTimer);
      this.headTimer = undefined;
    }
  }

  // ---- endings ----

  /** The worker side failed: host error response if nothing was sent yet, else a truncated response. */
  private failWorker(substatus: number): void {
    this.clearHeadTimer();
    const conn = this.conn;
    this.conn = null;
    conn?.kill();
    if (this.settled) return;
    if (!this.headersSent) {
      this.hostError(500, substatus);
      return;
    }
    this.outcome.substatus = substatus;
    this.outcome.truncated = true;
    this.body.stop();
    // Headers are out: the status cannot change. Flush what was relayed, then close the client connection so
    // the client sees an incomplete body (short Content-Length or no last chunk) rather than a complete one.
    this.flushHeld();
    const socket = this.res.socket;
    if (socket && !socket.destroyed) socket.destroySoon();
    else this.res.destroy();
  }

  private hostError(status: number, substatus: number): void {
    this.outcome.status = status;
    this.outcome.substatus = substatus;
    this.outcome.hostError = true;
    this.body.stop();
    sendHostError(this.res, this.opts, {
      status, substatus, name: lookupStatus(status, substatus)?.name ?? '', errno: this.outcome.errno, retries: this.outcome.retries, target: this.target,
      req: this.req,
    });
  }

  private readonly onClientClose = (): void => {
    if (this.settled) return;
    this.settled = true;
    this.clearHeadTimer();
    const o = this.outcome;
    if (!this.res.writableFinished) {
      o.clientAborted = true;
      if (!this.headersSent && !o.hostError) {
        o.status = 499;
        o.substatus = 0;
      } else if (!o.truncated) {
        o.truncated = true;
        o.substatus = 1017;
      }
      this.abort.aborted = true;
      this.abort.wake?.();
      const conn = this.conn;
      this.conn = null;
      conn?.kill(); // the worker sees its request aborted
      this.body.stop();
    }
    o.bytesIn = this.body.bytes;
    o.totalMs = performance.now() - this.t0;
    const waits = this.abort.waits;
    if (waits) {
      o.retryWaits = waits.times.map((t) => t - this.t0);
      o.retryErrnos = waits.errnos;
    }
    this.resolve(o);
  };
}
