import { afterEach, describe, expect, it } from '@jest/globals';
import { get, ready, startFront, startWorker, until, type Front, type Worker } from './harness.ts';

describe('Proxy connection pool', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  async function setup(fixture: string, options: Parameters<typeof startFront>[1] = {}, env: Record<string, string> = {}):
  Promise<{ worker: Worker; front: Front }> {
    const worker = startWorker(fixture, env);
    cleanups.push(() => worker.stop());
    const front = await startFront(worker, options);
    cleanups.push(() => front.close());
    if (fixture === 'app') await ready(front);
    else await worker.waitForLine('listening');
    return { worker, front };
  }
  const connections = (w: Worker): number => w.lines.filter((l) => l === 'connection').length;

  it('reuses one keep-alive connection for sequential requests', async () => {
    const { worker, front } = await setup('app');
    const next = front.nextOutcome();
    await get(front.port, '/hello');
    expect((await next).pooled).toBe(true);
    await get(front.port, '/hello');
    expect(connections(worker)).toBe(1);
    expect(front.proxy.stats().idle.get(worker.id)).toBe(1);
  });

  it('drops a pooled connection the worker closed at its keepAliveTimeout and connects afresh', async () => {
    const { worker, front } = await setup('app', {}, { KEEPALIVE_MS: '300' });
    await until(() => front.proxy.stats().idle.get(worker.id) === 0, 3000);
    const next = front.nextOutcome();
    const r = await get(front.port, '/hello');
    expect(r.status).toBe(200);
    expect(await next).toMatchObject({ pooled: false, status: 200 });
    expect(connections(worker)).toBe(2);
  });

  it('re-sends once on a fresh connection when a pooled one turns out dead', async () => {
    const { front } = await setup('raw');
    expect((await get(front.port, '/pause-then-reset')).body.toString()).toBe('first');
    const next = front.nextOutcome();
    const r = await get(front.port, '/substatus');
    expect(r.body.toString()).toBe('ok');
    const o = await next;
    expect(o).toMatchObject({ pooled: true, reconnected: true, retries: 1, errno: 'ECONNRESET', hostError: false });
  });

  it('keeps at most maxNamedPipeConnectionPoolSize idle connections', async () => {
    const { worker, front } = await setup('app', { maxNamedPipeConnectionPoolSize: 2 });
    await Promise.all([1, 2, 3, 4, 5].map(() => get(front.port, '/chunked?n=2&every=100')));
    expect(connections(worker)).toBeGreaterThanOrEqual(5);
    expect(front.proxy.stats().idle.get(worker.id)).toBe(2);
  });

  it('does not reuse a connection idle longer than maxNamedPipePooledConnectionAge', async () => {
    const { worker, front } = await setup('app', { maxNamedPipePooledConnectionAge: 150 });
    await new Promise((r) => setTimeout(r, 250));
    const next = front.nextOutcome();
    await get(front.port, '/hello');
    expect((await next).pooled).toBe(false);
    expect(connections(worker)).toBe(2);
  });

  it('closes the idle connections of a target on closeTarget', async () => {
    const { worker, front } = await setup('app');
    expect(front.proxy.stats().idle.get(worker.id)).toBe(1);
    front.proxy.closeTarget(worker.id);
    expect(front.proxy.stats().idle.get(worker.id)).toBeUndefined();
    const next = front.nextOutcome();
    await get(front.port, '/hello');
    expect((await next).pooled).toBe(false);
  });
});
