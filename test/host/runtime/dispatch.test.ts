import { afterEach, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { cleanup, httpGet, startHost, waitFor } from './helpers.ts';

afterEach(cleanup);

describe('Dispatcher', () => {
  it('goes round robin starting at the second worker when dispatchPolicy is round-robin (iisnode test 114)', async () => {
    const { host, base } = await startHost([{
      script: 'counter.cjs', settings: { nodeProcessCountPerApplication: 2, dispatchPolicy: 'round-robin' },
    }]);
    await waitFor(() => host.apps[0]!.pool.slots.every((s) => s.worker?.state === 'ready'), 10_000, 'workers ready');
    const replies = [];
    for (let i = 0; i < 4; i++) replies.push(await httpGet(`${base}/`));
    expect(replies.map((r) => r.body)).toEqual(['1', '1', '2', '2']);
    const second = host.apps[0]!.pool.slots[1]!.worker!.pid;
    expect(replies[0]!.headers['x-worker-pid']).toBe(String(second));
  });

  it('avoids a worker that is busy with a slow request when the policy is least-outstanding', async () => {
    const { host, base } = await startHost([{ script: 'slow.cjs', settings: { nodeProcessCountPerApplication: 2 } }]);
    await waitFor(() => host.apps[0]!.pool.slots.every((s) => s.worker?.state === 'ready'), 10_000, 'workers ready');
    const slow = httpGet(`${base}/slow?ms=1500`);
    const busy = await waitFor(() => host.apps[0]!.pool.slots.find((s) => s.worker!.active === 1)?.worker, 5000, 'slow request');
    const pids = new Set<string>();
    for (let i = 0; i < 6; i++) pids.add((await httpGet(`${base}/fast`)).body);
    expect(pids.size).toBe(1);
    expect(pids.has(String(busy.pid))).toBe(false);
    expect((await slow).body).toBe(String(busy.pid));
  });

  it('holds requests beyond the dispatch window of slow workers and sends each to the first worker that frees up', async () => {
    const { host, base } = await startHost([{ script: 'slow.cjs', settings: { nodeProcessCountPerApplication: 2 } }]);
    await waitFor(() => host.apps[0]!.pool.slots.every((s) => s.worker?.state === 'ready'), 10_000, 'workers ready');
    // Teach the windows that both workers are slow (a few requests per second: the minimum window of 2).
    for (let i = 0; i < 3; i++) {
      await Promise.all([httpGet(`${base}/slow?ms=120`), httpGet(`${base}/slow?ms=120`)]);
    }
    const long = [httpGet(`${base}/slow?ms=3000`), httpGet(`${base}/slow?ms=3000`)];
    await waitFor(() => host.apps[0]!.pool.slots.filter((s) => s.worker!.active === 1).length === 2 ||
      host.apps[0]!.pool.slots.some((s) => s.worker!.active === 2), 5000, 'long requests dispatched');
    const short = [httpGet(`${base}/slow?ms=300`), httpGet(`${base}/slow?ms=300`)];
    await waitFor(() => host.apps[0]!.pool.slots.every((s) => s.worker!.active === 2), 5000, 'both windows full');
    const started = Date.now();
    const held = httpGet(`${base}/fast`);
    await waitFor(() => host.apps[0]!.dispatcher.stats().queueLength === 1, 5000, 'request held in the host');
    const reply = await held;
    expect(Date.now() - started).toBeLessThan(2500); // it did not wait behind a 3 s request
    expect(reply.status).toBe(200);
    expect(host.apps[0]!.dispatcher.stats().timedOut).toBe(0);
    await Promise.all([...long, ...short]);
  });

  it('sends a request the window would hold at once when the queue has no room, never answering 503', async () => {
    const { host, base } = await startHost([{
      script: 'slow.cjs', settings: { nodeProcessCountPerApplication: 1, maxQueuedRequestsPerApplication: 0 },
    }]);
    for (let i = 0; i < 3; i++) await Promise.all([httpGet(`${base}/slow?ms=120`), httpGet(`${base}/slow?ms=120`)]);
    const slow = [httpGet(`${base}/slow?ms=800`), httpGet(`${base}/slow?ms=800`)];
    await waitFor(() => host.apps[0]!.pool.slots[0]!.worker?.active === 2, 5000, 'window full');
    const reply = await httpGet(`${base}/fast`);
    expect(host.apps[0]!.pool.slots[0]!.worker!.processed).toBeGreaterThanOrEqual(6);
    expect(reply.status).toBe(200);
    expect(host.apps[0]!.dispatcher.stats().overflowed).toBe(0);
    expect((await Promise.all(slow)).map((r) => r.status)).toEqual([200, 200]);
  });

  it('pins a client to a worker with the iisnode.session.cookie when sticky sessions are on', async () => {
    const { host, base } = await startHost([{
      script: 'slow.cjs', settings: { nodeProcessCountPerApplication: 2, nodeProcessStickySessions: true },
    }]);
    await waitFor(() => host.apps[0]!.pool.slots.every((s) => s.worker?.state === 'ready'), 10_000, 'workers ready');
    const first = await httpGet(`${base}/`);
    const cookie = String(first.headers['set-cookie']?.[0]);
    expect(cookie).toMatch(/^iisnode\.session\.cookie=[01]$/);
    const index = Number(cookie.split('=')[1]);
    const pid = String(host.apps[0]!.pool.slots[index]!.worker!.pid);
    expect(first.body).toBe(pid);
    for (let i = 0; i < 4; i++) {
      const r = await httpGet(`${base}/`, { cookie: `a=b; iisnode.session.cookie=${index}` });
      expect(r.body).toBe(pid);
      expect(r.headers['set-cookie']).toBeUndefined();
    }
    const other = await httpGet(`${base}/`, { cookie: `iisnode.session.cookie=${index + 3}` });
    expect(other.body).toBe(String(host.apps[0]!.pool.slots[(index + 3) % 2]!.worker!.pid));
  });

  it('queues requests beyond the per-worker cap and answers 503.1000 when the queue is full', async () => {
    const { host, base } = await startHost([{
      script: 'slow.cjs',
      settings: { maxConcurrentRequestsPerProcess: 1, maxQueuedRequestsPerApplication: 1, maxQueueWaitTime: 10_000 },
    }]);
    const first = httpGet(`${base}/slow?ms=800`);
    await waitFor(() => host.apps[0]!.pool.slots[0]!.worker?.active === 1, 5000, 'first request dispatched');
    const queued = httpGet(`${base}/fast`);
    await waitFor(() => host.apps[0]!.dispatcher.stats().queueLength === 1, 5000, 'second request queued');
    const overflow = await httpGet(`${base}/fast`);
    expect(overflow.status).toBe(503);
    expect(overflow.body).toMatch(/^503\.1000 /);
    expect((await first).status).toBe(200);
    expect((await queued).status).toBe(200);
    const stats = host.apps[0]!.dispatcher.stats();
    expect(stats).toMatchObject({ queueLength: 0, queued: 1, overflowed: 1, timedOut: 0 });
  });

  it('times each queued request out maxQueueWaitTime after it was queued, not after the first one', async () => {
    const { host, base } = await startHost([{
      script: 'slow.cjs',
      settings: { maxConcurrentRequestsPerProcess: 1, maxQueuedRequestsPerApplication: 10, maxQueueWaitTime: 600 },
    }]);
    const first = httpGet(`${base}/slow?ms=2500`);
    await waitFor(() => host.apps[0]!.pool.slots[0]!.worker?.active === 1, 5000, 'first request dispatched');
    const t0 = Date.now();
    const early = httpGet(`${base}/fast`).then((r) => ({ ...r, at: Date.now() - t0 }));
    await new Promise((r) => setTimeout(r, 300));
    const late = httpGet(`${base}/fast`).then((r) => ({ ...r, at: Date.now() - t0 }));
    const [a, b] = await Promise.all([early, late]);
    expect([a.status, b.status]).toEqual([503, 503]);
    expect(a.at).toBeGreaterThanOrEqual(550);
    expect(b.at).toBeGreaterThanOrEqual(850);
    expect(host.apps[0]!.dispatcher.stats()).toMatchObject({ queueLength: 0, timedOut: 2 });
    expect((await first).status).toBe(200);
  });

  it('answers 503.1000 when a request waits longer than maxQueueWaitTime', async () => {
    const { host, base } = await startHost([{
      script: 'slow.cjs',
      settings: { maxConcurrentRequestsPerProcess: 1, maxQueuedRequestsPerApplication: 10, maxQueueWaitTime: 200 },
    }]);
    const first = httpGet(`${base}/slow?ms=1500`);
    await waitFor(() => host.apps[0]!.pool.slots[0]!.worker?.active === 1, 5000, 'first request dispatched');
    const started = Date.now();
    const late = await httpGet(`${base}/fast`);
    expect(late.status).toBe(503);
    expect(late.body).toMatch(/^503\.1000 /);
    expect(Date.now() - started).toBeLessThan(1200);
    expect(host.apps[0]!.dispatcher.stats().timedOut).toBe(1);
    expect((await first).status).toBe(200);
  });

  it('drops a queued request whose client disconnects', async () => {
    const { host, base } = await startHost([{
      script: 'slow.cjs',
      settings: { maxConcurrentRequestsPerProcess: 1, maxQueuedRequestsPerApplication: 10, maxQueueWaitTime: 10_000 },
    }]);
    const first = httpGet(`${base}/slow?ms=1000`);
    await waitFor(() => host.apps[0]!.pool.slots[0]!.worker?.active === 1, 5000, 'first request dispatched');
    const req = request(`${base}/fast`, { agent: false });
    req.on('error', () => {});
    req.end();
    await waitFor(() => host.apps[0]!.dispatcher.stats().queueLength === 1, 5000, 'request queued');
    req.destroy();
    await waitFor(() => host.apps[0]!.dispatcher.stats().abandoned === 1, 5000, 'request abandoned');
    expect(host.apps[0]!.dispatcher.stats().queueLength).toBe(0);
    expect((await first).status).toBe(200);
    expect(host.apps[0]!.pool.slots[0]!.worker!.processed).toBe(1);
  });
});
