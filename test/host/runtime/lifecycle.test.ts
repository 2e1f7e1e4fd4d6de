import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { cleanup, httpGet, isAlive, startHost, waitFor } from './helpers.ts';

afterEach(cleanup);

describe('Host lifecycle', () => {
  it('finishes requests in flight on shutdown, then stops workers and removes its sockets', async () => {
    const { host, base } = await startHost([{ script: 'slow.cjs', settings: { nodeProcessCountPerApplication: 2 } }]);
    const pool = host.apps[0]!.pool;
    await waitFor(() => pool.slots.every((s) => s.worker?.state === 'ready'), 10_000, 'workers ready');
    const pids = pool.slots.map((s) => s.worker!.pid);
    const inFlight = httpGet(`${base}/slow?ms=600`);
    await waitFor(() => pool.slots.some((s) => s.worker!.active === 1), 5000, 'request in flight');
    const stopped = host.shutdown(10_000);
    await waitFor(() => pool.slots.some((s) => s.worker?.state === 'draining'), 5000, 'draining');
    const reply = await inFlight;
    expect(reply.status).toBe(200);
    await stopped;
    expect(pool.state).toBe('stopped');
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(existsSync(host.config.host.adminSocket)).toBe(false);
    await expect(httpGet(`${base}/`)).rejects.toThrow();
  });

  it('reports a port that is already taken as HOST_LISTEN_FAILED and leaves no worker behind', async () => {
    const { host: first } = await startHost([{ script: 'hello.cjs' }]);
    const taken = first.address()!.port;
    const { makeFarm } = await import('./helpers.ts');
    const config = makeFarm([{ script: 'hello.cjs' }]);
    const { createHost } = await import('../../../host/index.ts');
    const second = createHost({ config: { ...config, host: { ...config.host, port: taken } }, workerOutput: 'ignore' });
    await expect(second.start()).rejects.toMatchObject({ code: 'HOST_LISTEN_FAILED' });
    const pool = second.apps[0]!.pool;
    expect(pool.state).toBe('stopped');
    expect(pool.slots[0]!.worker).toBeNull();
  });
});

describe('Host recycle', () => {
  it('replaces the workers of an app through the admin socket while in-flight requests finish', async () => {
    const { request } = await import('node:http');
    const { host, base } = await startHost([{ script: 'slow.cjs', settings: { nodeProcessCountPerApplication: 2 } }]);
    const pool = host.apps[0]!.pool;
    await waitFor(() => pool.slots.every((s) => s.worker?.state === 'ready'), 10_000, 'workers ready');
    const oldPids = pool.slots.map((s) => s.worker!.pid);
    const inFlight = httpGet(`${base}/slow?ms=500`);
    await waitFor(() => pool.slots.some((s) => s.worker!.active === 1), 5000, 'request in flight');
    const answer = await new Promise<number>((resolve, reject) => {
      const req = request({ socketPath: host.config.host.adminSocket, path: '/apps/slow/recycle', method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer).toBe(202);
    expect((await inFlight).status).toBe(200);
    // A recycle swaps in a new runtime once its workers listen; the old pool drains and stops.
    await host.recyclesSettled('slow');
    const fresh = (await httpGet(`${base}/`)).body;
    expect(oldPids).not.toContain(Number(fresh));
    await waitFor(() => oldPids.every((pid) => !isAlive(pid)), 10_000, 'old workers gone');
    expect(host.recycle('no-such-app')).toBe(false);
  });
});
