import { afterEach, describe, expect, it } from '@jest/globals';
import WebSocket from 'ws';
import { cleanup, rawRequest, startHost, waitFor } from './helpers.ts';

afterEach(cleanup);

describe('Host upgrades', () => {
  it('echoes WebSocket messages in order and holds a worker slot while the socket is open (iisnode test 131)', async () => {
    const { host, base } = await startHost([{ script: 'ws-echo.cjs' }]);
    const ws = new WebSocket(`${base.replace('http', 'ws')}/chat`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const received: string[] = [];
    const done = new Promise<void>((resolve) => ws.on('message', (data) => {
      received.push(String(data));
      if (received.length === 5) resolve();
    }));
    for (let i = 1; i <= 5; i++) ws.send(`message ${i}`);
    await done;
    expect(received).toEqual([1, 2, 3, 4, 5].map((i) => `message ${i}`));
    const worker = host.apps[0]!.pool.slots[0]!.worker!;
    expect(worker.active).toBe(1);
    expect((await host.status()).apps[0]!.activeRequests).toBe(1);
    ws.close();
    await waitFor(() => worker.active === 0, 5000, 'slot released');
    expect(worker.processed).toBe(1);
  });

  it('counts an open WebSocket against maxConcurrentRequestsPerProcess', async () => {
    const { host, base } = await startHost([{
      script: 'ws-echo.cjs', settings: { maxConcurrentRequestsPerProcess: 1, maxQueuedRequestsPerApplication: 0 },
    }]);
    const ws = new WebSocket(`${base.replace('http', 'ws')}/`);
    await new Promise((resolve) => ws.once('open', resolve));
    const second = new WebSocket(`${base.replace('http', 'ws')}/`);
    const status = await new Promise<number>((resolve) => {
      second.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      second.once('open', () => resolve(101));
      second.once('error', () => {});
    });
    expect(status).toBe(503);
    ws.close();
    await waitFor(() => host.apps[0]!.pool.slots[0]!.worker!.active === 0, 5000, 'slot released');
  });
});

describe('Host upgrades and the dispatch window', () => {
  it('serves plain requests at once while open WebSockets hold more slots than the window', async () => {
    const { base } = await startHost([{ script: 'ws-echo.cjs', settings: { nodeProcessCountPerApplication: 1 } }]);
    // A slow trickle of requests teaches the window a low throughput, so it shrinks to its minimum of 2.
    for (let i = 0; i < 6; i++) {
      expect((await rawRequest(base, '/')).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    const sockets = await Promise.all([0, 1, 2].map(() => new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/`);
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    })));
    const t0 = performance.now();
    expect((await rawRequest(base, '/')).status).toBe(200);
    expect(performance.now() - t0).toBeLessThan(1000);
    for (const ws of sockets) ws.close();
  }, 20_000);
});
