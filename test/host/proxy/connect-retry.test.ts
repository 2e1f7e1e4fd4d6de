import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { get, startFront, startWorker, until, type Front, type Worker } from './harness.ts';

describe('Proxy connect retries', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  async function setup(fixture: string, options: Parameters<typeof startFront>[1], env?: Record<string, string>):
  Promise<{ worker: Worker; front: Front }> {
    const worker = startWorker(fixture, env);
    cleanups.push(() => worker.stop());
    const front = await startFront(worker, options);
    cleanups.push(() => front.close());
    return { worker, front };
  }

  it('answers 500.1001 after maxNamedPipeConnectionRetry retries when the worker never listens', async () => {
    const { front } = await setup('never-listens', { maxNamedPipeConnectionRetry: 5, namedPipeConnectionRetryDelay: 40 });
    const next = front.nextOutcome();
    const t0 = Date.now();
    const r = await get(front.port, '/');
    expect(r.status).toBe(500);
    expect(r.body.toString()).toBe('500.1001 worker connection failed\n');
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    const o = await next;
    expect(o).toMatchObject({ status: 500, substatus: 1001, hostError: true, retries: 5, errno: 'ENOENT' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(5 * 40 - 5);
  });

  it('stops retrying at once with 500.1002 when the worker exits during start-up', async () => {
    const { worker, front } = await setup('crash-on-start',
      { maxNamedPipeConnectionRetry: 1000, namedPipeConnectionRetryDelay: 20 });
    const next = front.nextOutcome();
    const t0 = Date.now();
    const r = await get(front.port, '/');
    expect(r.status).toBe(500);
    const o = await next;
    expect(o).toMatchObject({ status: 500, substatus: 1002, hostError: true });
    expect(worker.hasExited()).toBe(true);
    // Far less than the 20 s the retries would take.
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('succeeds after retries when the worker listens late, and counts them', async () => {
    const { front } = await setup('slow-listen', { maxNamedPipeConnectionRetry: 100, namedPipeConnectionRetryDelay: 50 },
      { LISTEN_DELAY_MS: '600' });
    const next = front.nextOutcome();
    const r = await get(front.port, '/');
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe('finally');
    const o = await next;
    expect(o.status).toBe(200);
    expect(o.retries).toBeGreaterThanOrEqual(3);
    expect(o.connectMs).toBeGreaterThanOrEqual(150);
  });

  it('records 499 and stops retrying when the client leaves during the retry loop', async () => {
    const { front } = await setup('never-listens', { maxNamedPipeConnectionRetry: 1000, namedPipeConnectionRetryDelay: 50 });
    const next = front.nextOutcome();
    const { default: http } = await import('node:http');
    const req = http.get({ host: '127.0.0.1', port: front.port, path: '/', agent: false });
    req.on('error', () => undefined);
    setTimeout(() => req.destroy(), 200);
    const o = await next;
    expect(o).toMatchObject({ status: 499, clientAborted: true, hostError: false });
    expect(o.retries).toBeLessThan(10);
  });

  const python = spawnSync('python3', ['-c', 'print(1)']).status === 0;
  (python ? it : it.skip)('answers 503.1003 when the listen backlog stays full (EAGAIN)', async () => {
    // A listener that never accepts, with the smallest backlog: once it is full, connect fails with EAGAIN.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nf-busy-'));
    const sock = path.join(dir, 'b.sock');
    const py = spawn('python3', ['-c', `import socket,time\ns=socket.socket(socket.AF_UNIX)\ns.bind(${JSON.stringify(sock)})\n` +
      's.listen(0)\nprint("ok", flush=True)\ntime.sleep(60)'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let up = false;
    py.stdout.on('data', () => { up = true; });
    cleanups.push(() => { py.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); });
    await until(() => up);
    const net = await import('node:net');
    const fillers: import('node:net').Socket[] = [];
    for (let i = 0; i < 4; i++) {
      const s = net.connect(sock);
      s.on('error', () => undefined);
      fillers.push(s);
    }
    cleanups.push(() => fillers.forEach((s) => s.destroy()));
    const target = { id: 'busy', socketPath: sock, pid: py.pid ?? 0, hasExited: () => false };
    const front = await startFront(target, { maxNamedPipeConnectionRetry: 3, namedPipeConnectionRetryDelay: 20 });
    cleanups.push(() => front.close());
    const next = front.nextOutcome();
    const r = await get(front.port, '/');
    expect(r.status).toBe(503);
    expect(await next).toMatchObject({ status: 503, substatus: 1003, errno: 'EAGAIN', retries: 3 });
  });
});
