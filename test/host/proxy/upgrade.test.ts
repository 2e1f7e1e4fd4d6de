import { afterEach, describe, expect, it } from '@jest/globals';
import WebSocket from 'ws';
import { startFront, startWorker, type Front, type Worker } from './harness.ts';

describe('Proxy upgrades', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  async function setup(fixture: string, options: Parameters<typeof startFront>[1] = {}):
  Promise<{ worker: Worker; front: Front }> {
    const worker = startWorker(fixture);
    cleanups.push(() => worker.stop());
    const front = await startFront(worker, options);
    cleanups.push(() => front.close());
    return { worker, front };
  }

  it('relays a WebSocket echo and resolves only after both sides closed', async () => {
    const { worker, front } = await setup('ws-echo');
    await worker.waitForLine('listening');
    let settled = false;
    const outcomeP = front.nextOutcome().then((o) => { settled = true; return o; });
    const ws = new WebSocket(`ws://127.0.0.1:${front.port}/chat`);
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    const replies: string[] = [];
    ws.on('message', (d: Buffer) => replies.push(d.toString()));
    for (const m of ['one', 'two', 'x'.repeat(100000)]) ws.send(m);
    const deadline = Date.now() + 5000;
    while (replies.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(replies.slice(0, 2)).toEqual(['one', 'two']);
    expect(replies[2]).toHaveLength(100000);
    expect(settled).toBe(false); // the upgrade holds its slot while open
    ws.close();
    const o = await outcomeP;
    expect(o).toMatchObject({ status: 101, hostError: false, truncated: false });
    expect(o.bytesIn).toBeGreaterThan(100000);
    expect(o.bytesOut).toBeGreaterThan(100000);
    await worker.waitForLine('ws-closed');
  });

  it('answers an upgrade with 500.1001 when the worker never listens', async () => {
    const { front } = await setup('never-listens', { maxNamedPipeConnectionRetry: 3, namedPipeConnectionRetryDelay: 20 });
    const next = front.nextOutcome();
    const ws = new WebSocket(`ws://127.0.0.1:${front.port}/`);
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); res.resume(); });
      ws.on('error', () => undefined);
    });
    expect(status).toBe(500);
    expect(await next).toMatchObject({ status: 500, substatus: 1001, hostError: true, retries: 3 });
  });

  it('relays a non-101 answer to an upgrade request and closes the connection after it', async () => {
    const { worker, front } = await setup('app');
    await worker.waitForLine('listening');
    const next = front.nextOutcome();
    const ws = new WebSocket(`ws://127.0.0.1:${front.port}/hello`);
    const reply = await new Promise<{ status: number; body: string }>((resolve) => {
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      ws.on('error', () => undefined);
    });
    const o = await next;
    expect(o.hostError).toBe(false);
    expect(reply.status).toBe(o.status);
  });
});
