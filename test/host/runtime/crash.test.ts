import { afterEach, describe, expect, it } from '@jest/globals';
import { Backoff } from '../../../host/workers/backoff.ts';
import { resolveRestartPolicy } from '../../../host/workers/config.ts';
import { cleanup, fastRetries, httpGet, startHost, waitFor } from './helpers.ts';

afterEach(cleanup);

describe('Backoff', () => {
  it('grows the restart delay ×1.5 up to the cap and resets after a stable uptime', () => {
    const b = new Backoff(resolveRestartPolicy({ baseDelay: 100, maxDelay: 300, minUptime: 10, stableUptime: 1000, maxFastCrashes: 99 }));
    const delays = [1, 2, 3, 4].map(() => b.onExit(500));
    expect(delays).toEqual([100, 150, 225, 300].map((delay) => ({ action: 'restart', delay })));
    expect(b.onExit(2000)).toEqual({ action: 'restart', delay: 100 });
  });

  it('gives up after maxFastCrashes consecutive exits shorter than minUptime', () => {
    const b = new Backoff(resolveRestartPolicy({ minUptime: 1000, maxFastCrashes: 3 }));
    expect(b.onExit(10).action).toBe('restart');
    expect(b.onExit(5000).action).toBe('restart'); // a slow exit breaks the streak
    expect(b.onExit(10).action).toBe('restart');
    expect(b.onExit(10).action).toBe('restart');
    expect(b.onExit(10)).toEqual({ action: 'give-up', fastCrashes: 3 });
  });
});

describe('Worker restarts', () => {
  it('marks an app that crashes at start errored after backing off, then answers 503.1002 at once', async () => {
    const { host, base } = await startHost([{ script: 'crash-on-start.cjs', settings: fastRetries }], {
      restart: { baseDelay: 50, maxFastCrashes: 3 }, workerOutput: 'pipe', onWorkerOutput: () => {},
    });
    const pool = host.apps[0]!.pool;
    await waitFor(() => pool.state === 'errored', 10_000, 'app errored');
    expect(pool.slots[0]!.restarts).toBe(2);
    expect(pool.errorReason).toMatch(/crash loop: 3 exits/);
    expect(pool.errorReason).toMatch(/boom at start/);
    const started = Date.now();
    const reply = await httpGet(`${base}/`);
    expect(reply.status).toBe(503);
    expect(reply.body).toMatch(/^503\.1002 /);
    expect(Date.now() - started).toBeLessThan(500);
    const status = await host.status();
    expect(status.apps[0]).toMatchObject({ state: 'errored', restarts: 2 });
    expect(status.apps[0]!.workers[0]).toMatchObject({ state: 'gave-up', pid: null });
    expect(status.apps[0]!.workers[0]!.lastExit).toMatchObject({ code: 1 });
  });

  it('marks an app whose nodeProcessCommandLine does not exist errored with the spawn error (iisnode test 112)', async () => {
    const { host, base } = await startHost([{
      script: 'hello.cjs', settings: { ...fastRetries, nodeProcessCommandLine: 'nodefarm-no-such-node --flag' },
    }], { restart: { baseDelay: 20, maxFastCrashes: 2 } });
    const pool = host.apps[0]!.pool;
    await waitFor(() => pool.state === 'errored', 10_000, 'app errored');
    expect(pool.errorReason).toMatch(/could not start nodefarm-no-such-node: ENOENT/);
    expect((await httpGet(`${base}/`)).status).toBe(503);
  });

  it('replaces a worker that crashes mid-request and serves later requests from the new one', async () => {
    const { host, base } = await startHost([{ script: 'crash-mid-request.cjs', settings: fastRetries }], {
      restart: { baseDelay: 50 },
    });
    const firstPid = (await httpGet(`${base}/`)).body;
    const crashed = await httpGet(`${base}/crash`).then((r) => r.status, () => 'aborted');
    expect([200, 500, 'aborted']).toContain(crashed);
    const slot = host.apps[0]!.pool.slots[0]!;
    await waitFor(() => slot.restarts === 1 && slot.worker?.state === 'ready', 10_000, 'replacement ready');
    expect(slot.lastExit).toMatchObject({ code: 3, expected: false });
    for (let i = 0; i < 3; i++) {
      const r = await httpGet(`${base}/`);
      expect(r.status).toBe(200);
      expect(r.body).not.toBe(firstPid);
      expect(r.body).toBe(String(slot.worker!.pid));
    }
    expect(host.apps[0]!.pool.state).toBe('running');
  });
});
