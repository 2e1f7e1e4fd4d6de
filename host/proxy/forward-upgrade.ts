import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from '../node-http.ts';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { lookupStatus } from '../status-codes.ts';
import type { ProxyOptions } from './config.ts';
import { connectWithRetry, type ConnectAbort } from './connect-with-retry.ts';
import { sendRawHostError } from './host-error.ts';
import { newOutcome, type ForwardOutcome } from './outcome.ts';
import type { PoolRegistry } from './pool-registry.ts';
import { buildRequestHead } from './request-head.ts';
import type { ResponseHead } from './response-head.ts';
import { ResponseParser } from './response-parser.ts';
import type { WorkerTarget } from './worker-target.ts';

const ignore = (): void => undefined;

/** Ends a socket once its pending writes are flushed, without waiting for the peer (servers allow half-open). */
function closeSoon(s: Duplex): void {
  if (s.destroyed) return;
  s.end(() => s.destroy());
}

/**
 * Forwards an HTTP Upgrade request on a fresh (never pooled) connection. On `101` the worker's head is relayed
 * and both directions are piped until both sockets have closed; any other answer is relayed as a normal
 * response and the client connection closed after it. Resolves when both sockets are closed. Never rejects.
 */
export async function forwardUpgrade(opts: ProxyOptions, pools: PoolRegistry, req: IncomingMessage, client: Duplex,
  clientHead: Buffer, target: WorkerTarget): Promise<ForwardOutcome> {
  const t0 = performance.now();
  const outcome = newOutcome(target.pid);
  outcome.startedAt = t0;
  if (client.destroyed) { // the client left while the request waited for a worker
    outcome.status = 499;
    outcome.clientAborted = true;
    return outcome;
  }
  const abort: ConnectAbort = { aborted: false, wake: undefined };
  let clientClosed = false;
  const clientClosedP = new Promise<void>((resolve) => {
    client.once('close', () => {
      clientClosed = true;
      abort.aborted = true;
      abort.wake?.();
      resolve();
    });
  });
  client.on('error', ignore); // a reset client must not crash the host; 'close' follows

  const r = await connectWithRetry(target, opts, abort, 0);
  outcome.retries = r.retries;
  outcome.errno = r.errno;
  outcome.connectMs = performance.now() - t0;
  if (abort.waits) {
    outcome.retryWaits = abort.waits.times.map((t) => t - t0);
    outcome.retryErrnos = abort.waits.errnos;
  }
  const finish = async (): Promise<ForwardOutcome> => {
    await clientClosedP;
    outcome.totalMs = performance.now() - t0;
    return outcome;
  };
  if (!r.socket || clientClosed) {
    r.socket?.destroy();
    if (clientClosed || r.socket || r.status === 499) {
      outcome.status = 499;
      outcome.clientAborted = true;
    } else {
      outcome.status = r.status;
      outcome.substatus = r.substatus;
      outcome.hostError = true;
      sendRawHostError(client, opts, {
        status: r.status, substatus: r.substatus, name: lookupStatus(r.status, r.substatus)?.name ?? '',
        errno: r.errno, retries: r.retries, target, req,
      });
    }
    closeSoon(client);
    return finish();
  }
  pools.connectionsOpened++;
  const worker = r.socket;
  const workerClosedP = new Promise<void>((resolve) => worker.once('close', () => resolve()));
  await new Promise<void>((resolve) => new UpgradeExchange(opts, req, client, worker, target, outcome, resolve)
    .start(clientHead));
  await workerClosedP;
  return finish();
}

/** The handshake and, after a 101, the two pumps of one upgrade. */
class UpgradeExchange {
  private readonly parser: ResponseParser;
  private headSent = false;
  private readonly opts: ProxyOptions;
  private readonly req: IncomingMessage;
  private readonly client: Duplex;
  private readonly worker: Socket;
  private readonly target: WorkerTarget;
  private readonly outcome: ForwardOutcome;
  private readonly done: () => void;

  constructor(opts: ProxyOptions, req: IncomingMessage, client: Duplex, worker: Socket, target: WorkerTarget,
    outcome: ForwardOutcome, done: () => void) {
    this.opts = opts;
    this.req = req;
    this.client = client;
    this.worker = worker;
    this.target = target;
    this.outcome = outcome;
    this.done = done;
    this.parser = new ResponseParser({
      onHead: (head) => this.onHead(head),
      onBody: (chunk) => {
        this.outcome.bytesOut += chunk.length;
        if (!this.client.write(chunk)) { // backpressure for a large non-101 answer
          this.worker.pause();
          this.client.once('drain', () => this.worker.resume());
        }
      },
      onComplete: (last) => {
        if (last) {
          this.outcome.bytesOut += last.length;
          this.client.write(last);
        }
        this.end();
      },
      onMalformed: (substatus) => this.fail(substatus),
    }, opts.maxRequestBufferSize);
  }

  start(clientHead: Buffer): void {
    const worker = this.worker;
    worker.on('data', this.onWorkerData);
    worker.on('end', this.onWorkerEnd);
    worker.on('error', this.onWorkerError);
    this.client.once('close', this.onClientCloseEarly);
    this.parser.reset(false);
    worker.write(buildRequestHead(this.req, true, this.opts.rewriteRequestHeaders, this.opts.traceHeaders), 'latin1');
    if (clientHead.length) {
      this.outcome.bytesIn += clientHead.length;
      worker.write(clientHead);
    }
  }

  private readonly onWorkerData = (chunk: Buffer): void => this.parser.execute(chunk);
  private readonly onWorkerEnd = (): void => this.workerGone(undefined);
  private readonly onWorkerError = (err: NodeJS.ErrnoException): void => this.workerGone(err.code ?? 'EIO');
  private readonly onClientCloseEarly = (): void => {
    this.outcome.clientAborted = true;
    if (!this.headSent) this.outcome.status = 499;
    this.worker.destroy();
    this.done();
  };

  private workerGone(errno: string | undefined): void {
    if (errno) this.outcome.errno = errno;
    const substatus = this.parser.finish();
    if (substatus) this.fail(substatus);
  }

  private onHead(head: ResponseHead): void {
    const o = this.outcome;
    o.status = head.status;
    o.substatus = head.substatus;
    const headers = head.headers;
    const upgraded = head.framing === 'upgrade';
    try {
      this.opts.decorateResponseHeaders?.(headers, {
        status: head.status, substatus: head.substatus, hostError: false, retries: o.retries,
        connectMs: o.connectMs, target: this.target, req: this.req,
      });
    } catch {
      // A faulty decorator must not break the exchange.
    }
    let text = `HTTP/1.1 ${head.status} ${head.reason || STATUS_CODES[head.status] || 'Unknown'}\r\n`;
    for (let i = 0; i + 1 < headers.length; i += 2) {
      const value = headers[i + 1]!;
      if (/[\r\n]/.test(value)) { // never let a value split the head we write ourselves
        this.fail(1014);
        return;
      }
      text += `${headers[i]!}: ${value}\r\n`;
    }
    // Anything but a 101 ends the client connection after the body, so the body is close-delimited.
    text += upgraded ? '\r\n' : 'Connection: close\r\n\r\n';
    const client = this.client;
    if (client.destroyed || !client.writable) {
      o.substatus = 1018;
      o.clientAborted = true;
      this.worker.destroy();
      this.done();
      return;
    }
    client.write(text, 'latin1');
    this.headSent = true;
    if (!upgraded) return;
    this.pipeBoth();
  }

  private pipeBoth(): void {
    const { worker, client, outcome } = this;
    worker.removeListener('data', this.onWorkerData);
    worker.removeListener('end', this.onWorkerEnd);
    worker.removeListener('error', this.onWorkerError);
    client.removeListener('close', this.onClientCloseEarly);
    worker.on('error', (err: NodeJS.ErrnoException) => {
      outcome.errno = err.code ?? 'EIO';
      client.destroy();
    });
    client.on('error', () => worker.destroy());
    // Either side closing completely tears the other down, so the slot is released exactly when both are gone.
    worker.once('close', () => closeSoon(client));
    client.once('close', () => worker.destroySoon());
    const rest = this.parser.upgradeRest;
    if (rest?.length) {
      outcome.bytesOut += rest.length;
      client.write(rest);
    }
    worker.on('data', (chunk: Buffer) => { outcome.bytesOut += chunk.length; });
    client.on('data', (chunk: Buffer) => { outcome.bytesIn += chunk.length; });
    worker.pipe(client);
    client.pipe(worker);
    this.done();
  }

  private end(): void {
    this.worker.destroy();
    closeSoon(this.client);
    this.done();
  }

  private fail(substatus: number): void {
    this.parser.fail();
    const o = this.outcome;
    this.worker.destroy();
    if (this.headSent) {
      o.substatus = substatus;
      o.truncated = true;
      this.client.destroy();
    } else {
      o.status = 500;
      o.substatus = substatus;
      o.hostError = true;
      sendRawHostError(this.client, this.opts, {
        status: 500, substatus, name: lookupStatus(500, substatus)?.name ?? '', errno: o.errno, retries: o.retries,
        target: this.target, req: this.req,
      });
    }
    this.done();
  }
}
