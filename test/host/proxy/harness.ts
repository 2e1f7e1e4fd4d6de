/**
 * Test harness for the proxy: real worker processes (fixtures/*.cjs) on Unix sockets in a temp dir, a real
 * front HTTP server on an ephemeral port that hands every request to the proxy, and a plain HTTP client.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createProxy, type ForwardOutcome, type Proxy, type ProxyOptions, type WorkerTarget } from '../../../host/proxy/index.ts';

const fixtures = path.join(import.meta.dirname, 'fixtures');

/** A fixture worker process. */
export interface Worker extends WorkerTarget {
  readonly proc: ChildProcess;
  /** Lines the worker printed on stdout so far. */
  readonly lines: string[];
  waitForLine(match: string | RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

let seq = 0;

/** Starts `fixtures/<name>.cjs` with PORT = a fresh socket path. Does not wait for it to listen. */
export function startWorker(name: string, env: Record<string, string> = {}): Worker {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nf-proxy-'));
  const socketPath = path.join(dir, 'w.sock');
  const proc = spawn(process.execPath, [path.join(fixtures, `${name}.cjs`)], {
    env: { ...process.env, ...env, PORT: socketPath }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let exited = false;
  const exitP = new Promise<void>((resolve) => proc.once('exit', () => { exited = true; resolve(); }));
  let partial = '';
  proc.stdout!.on('data', (d: Buffer) => {
    partial += d.toString();
    const parts = partial.split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  proc.stderr!.resume();
  const id = `w${process.pid}-${++seq}`;
  return {
    id, socketPath, pid: proc.pid ?? 0, proc, lines,
    hasExited: () => exited,
    async waitForLine(match, timeoutMs = 10000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find((l) => (typeof match === 'string' ? l === match : match.test(l)));
        if (found !== undefined) return found;
        if (Date.now() > deadline) throw new Error(`worker ${name} never printed ${String(match)}: ${lines.join('|')}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async stop() {
      if (!exited) proc.kill('SIGKILL');
      await exitP;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A front server forwarding to one target through a proxy, recording outcomes. */
export interface Front {
  readonly port: number;
  readonly proxy: Proxy;
  readonly outcomes: ForwardOutcome[];
  target: WorkerTarget;
  /** Resolves with the next outcome recorded. */
  nextOutcome(): Promise<ForwardOutcome>;
  close(): Promise<void>;
}

export async function startFront(target: WorkerTarget, options: Partial<ProxyOptions> = {}): Promise<Front> {
  const proxy = createProxy({ maxNamedPipeConnectionRetry: 40, namedPipeConnectionRetryDelay: 50, ...options });
  const outcomes: ForwardOutcome[] = [];
  const waiters: ((o: ForwardOutcome) => void)[] = [];
  const record = (o: ForwardOutcome): void => {
    outcomes.push(o);
    waiters.shift()?.(o);
  };
  const front: Front = {
    port: 0, proxy, outcomes, target,
    nextOutcome: () => new Promise((resolve) => waiters.push(resolve)),
    close: async () => {
      await proxy.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  const server = http.createServer((req, res) => {
    void proxy.forward(req, res, front.target).then(record);
  });
  server.on('upgrade', (req, socket, head) => {
    void proxy.forwardUpgrade(req, socket, head, front.target).then(record);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  (front as { port: number }).port = (server.address() as AddressInfo).port;
  return front;
}

/** Polls until `cond()` holds. */
export async function until(cond: () => boolean, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Waits until the worker accepts connections (a first request through the front succeeds). */
export async function ready(front: Front): Promise<void> {
  const r = await get(front.port, '/hello');
  if (r.status !== 200) throw new Error(`worker not ready: ${r.status}`);
}

export interface Reply {
  status: number;
  statusMessage: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
  /** Arrival time (ms since the request) and size of each body piece the client read. */
  pieces: { at: number; size: number }[];
  /** The response ended with an error (connection cut before the end). */
  aborted: boolean;
}

export interface RequestOptions {
  method?: string;
  headers?: http.OutgoingHttpHeaders | string[];
  body?: Buffer | string | Buffer[];
  /** Write the body pieces this many ms apart. */
  pieceDelayMs?: number;
}

/** A request on a fresh connection (no client-side pooling), collecting the whole reply. */
export function get(port: number, urlPath: string, opts: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const req = http.request({
      host: '127.0.0.1', port, path: urlPath, method: opts.method ?? 'GET', agent: false,
      headers: opts.headers as http.OutgoingHttpHeaders,
    }, (res) => {
      const chunks: Buffer[] = [];
      const pieces: { at: number; size: number }[] = [];
      let aborted = false;
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        pieces.push({ at: Date.now() - t0, size: c.length });
      });
      const done = (): void => resolve({
        status: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '', headers: res.headers,
        rawHeaders: res.rawHeaders, body: Buffer.concat(chunks), pieces, aborted,
      });
      res.on('end', done);
      res.on('error', () => { aborted = true; });
      res.on('aborted', () => { aborted = true; });
      res.on('close', () => { if (!res.complete) { aborted = true; done(); } });
    });
    req.on('error', reject);
    const body = opts.body;
    if (Array.isArray(body)) {
      let i = 0;
      const next = (): void => {
        if (i === body.length) { req.end(); return; }
        req.write(body[i++]!);
        setTimeout(next, opts.pieceDelayMs ?? 0);
      };
      next();
    } else req.end(body);
  });
}

/** The `app` fixture worker with a ready front in front of it: the setup most proxy test blocks share. */
export async function startAppFront(): Promise<{ worker: Worker; front: Front }> {
  const worker = startWorker('app');
  const front = await startFront(worker);
  await ready(front);
  return { worker, front };
}

/** Stops what {@link startAppFront} started (the front first, so no request is sent to a stopping worker). */
export async function stopAppFront(worker: Worker, front: Front): Promise<void> {
  await front.close();
  await worker.stop();
}
