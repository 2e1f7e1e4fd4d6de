import { afterEach, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import WebSocket from 'ws';
import { createHostScheduler } from '../../../host/scheduler/index.ts';
import type { Logger } from '../../../host/server/index.ts';
import { schedulingLauncher } from '../../../host/workers/scheduling.ts';
import { cleanup, httpGet, policyOf, SCHED_BATCH, SCHED_OTHER, startHost, waitFor } from '../runtime/helpers.ts';

afterEach(cleanup);

const batchHere = process.platform === 'linux' && !('unavailable' in schedulingLauncher('batch'));

/** Keeps `n` requests in flight against `url` until `stop()`; resolves how many completed. */
function keepBusy(url: string, n: number): { stop: () => Promise<number> } {
  let running = true;
  let done = 0;
  const loop = async (): Promise<void> => {
    while (running) {
      await new Promise<void>((resolve) => {
        request(url, { agent: false }, (res) => res.resume().on('end', resolve).on('error', resolve)).on('error', () => resolve()).end();
      });
      done++;
    }
  };
  const loops = Array.from({ length: n }, loop);
  return { stop: async () => { running = false; await Promise.all(loops); return done; } };
}

function capture(): { log: Logger; lines: { message: string; fields: Record<string, unknown> }[] } {
  const lines: { message: string; fields: Record<string, unknown> }[] = [];
  const push = (message: string, fields: Record<string, unknown> = {}): void => void lines.push({ message, fields });
  return { log: { debug() {}, info: push, warn: push, error: push }, lines };
}

describe('Host scheduling', () => {
  (batchHere ? it : it.skip)('switches the host to SCHED_BATCH while its workers are saturated and back when the load ends', async () => {
    const { log, lines } = capture();
    const { host, base } = await startHost([{ script: 'slow.cjs', settings: { nodeProcessCountPerApplication: 1 } }], {
      // The load generator shares this process and the machine with other tests: leaving takes 4 quiet samples, so a
      // moment in which it falls behind does not end batch.
      log, scheduling: { sampleMs: 50, minRequests: 5, enterSamples: 2, leaveSamples: 4 },
    });
    expect(policyOf(process.pid)).toBe(SCHED_OTHER);
    const load = keepBusy(`${base}/slow?ms=5`, 24); // always more requests than the worker's window
    // The scheduler takes the new policy as in force once chrt has returned, a moment after /proc shows it: wait for
    // its log line, then check both.
    const switched = (policy: string) => () => lines.at(-1)?.message === 'host scheduling policy' && lines.at(-1)?.fields.policy === policy;
    await waitFor(switched('batch'), 10_000, 'host switched to batch');
    expect(policyOf(process.pid)).toBe(SCHED_BATCH);
    const status = await host.status();
    expect(status.scheduling).toMatchObject({ policy: 'adaptive', current: 'batch' });
    const entered = lines.find((l) => l.message === 'host scheduling policy')!;
    expect(entered.fields).toMatchObject({ policy: 'batch', reason: 'workers saturated' });
    expect(entered.fields.workersBusy).toBeGreaterThanOrEqual(0.97);
    expect(await load.stop()).toBeGreaterThan(20);
    await waitFor(switched('normal'), 10_000, 'host back under the normal policy');
    expect(policyOf(process.pid)).toBe(SCHED_OTHER);
    const after = (await host.status()).scheduling!;
    expect(after.current).toBe('normal');
    expect(after.switches % 2).toBe(0); // each batch it entered, it left
    expect(lines.at(-1)!.fields).toMatchObject({ policy: 'normal', reason: 'workers no longer saturated' });
  }, 30_000);

  (batchHere ? it : it.skip)('runs the host under SCHED_BATCH from the start with policy batch, and restores the normal policy at shutdown', async () => {
    const { host, base } = await startHost([{ script: 'hello.cjs' }], { scheduling: { policy: 'batch' } });
    await waitFor(() => policyOf(process.pid) === SCHED_BATCH, 5000, 'host under SCHED_BATCH');
    expect((await httpGet(`${base}/`)).status).toBe(200);
    await host.shutdown(2000);
    expect(policyOf(process.pid)).toBe(SCHED_OTHER);
  });

  it('never changes the policy with policy normal, however busy the workers', async () => {
    const { host, base } = await startHost([{ script: 'slow.cjs', settings: { nodeProcessCountPerApplication: 1 } }], {
      scheduling: { policy: 'normal', sampleMs: 50, minRequests: 5, enterSamples: 1 },
    });
    const load = keepBusy(`${base}/slow?ms=5`, 24);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await load.stop();
    expect((await host.status()).scheduling).toMatchObject({ policy: 'normal', current: 'normal', switches: 0 });
    if (process.platform === 'linux') expect(policyOf(process.pid)).toBe(SCHED_OTHER);
  });
});

(process.platform === 'linux' ? describe : describe.skip)('Host scheduling without chrt', () => {
  it('warns once, says why in the status, and keeps the normal policy', async () => {
    const { log, lines } = capture();
    const scheduler = createHostScheduler({ apps: () => [], log, options: { policy: 'batch' }, path: '/nonexistent-dir' });
    scheduler.start();
    await scheduler.stop();
    expect(lines).toEqual([{
      message: 'host scheduling policy unchanged',
      fields: { policy: 'batch', reason: 'chrt (util-linux) is not on PATH' },
    }]);
    expect(scheduler.status()).toEqual({
      policy: 'batch', current: 'normal', switches: 0, unavailable: 'chrt (util-linux) is not on PATH',
    });
    expect(policyOf(process.pid)).toBe(SCHED_OTHER);
  });
});

describe('Dispatcher load samples', () => {
  it('measure the share of the time a worker had a request in flight, not counting open WebSockets', async () => {
    const { host, base } = await startHost([{ script: 'ws-echo.cjs', settings: { nodeProcessCountPerApplication: 1 } }], {
      scheduling: { policy: 'normal' },
    });
    const dispatcher = host.apps[0]!.dispatcher;
    await waitFor(() => host.apps[0]!.pool.slots[0]!.worker?.state === 'ready', 10_000, 'worker ready');
    dispatcher.sampleLoad(); // the worker is known from here on
    const ws = new WebSocket(`${base.replace('http', 'ws')}/`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const quiet = dispatcher.sampleLoad();
    expect(quiet.busy).toBeLessThan(0.05);
    expect(quiet.acquired).toBe(1); // the upgrade
    expect(quiet.queued).toBe(0);
    ws.close();
  });

  it('count a worker busy while a slow request is in flight', async () => {
    const { host, base } = await startHost([{ script: 'slow.cjs', settings: { nodeProcessCountPerApplication: 1 } }], {
      scheduling: { policy: 'normal' },
    });
    const dispatcher = host.apps[0]!.dispatcher;
    await waitFor(() => host.apps[0]!.pool.slots[0]!.worker?.state === 'ready', 10_000, 'worker ready');
    dispatcher.sampleLoad();
    const t0 = performance.now();
    await httpGet(`${base}/slow?ms=300`);
    const busyFor = performance.now() - t0;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sample = dispatcher.sampleLoad();
    const elapsed = performance.now() - t0;
    // Busy from lease to release: a little less than the client saw, never more.
    expect(sample.busy).toBeGreaterThan((280 / elapsed));
    expect(sample.busy).toBeLessThanOrEqual(busyFor / elapsed + 0.02);
    expect(sample.acquired).toBe(1);
  });
});
