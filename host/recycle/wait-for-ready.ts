import type { WorkerPool } from '../workers/index.ts';

/** Whether every worker of a new generation listens, or why not. */
export type ReadyResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Resolves once every slot of `pool` has a listening worker; fails on the first worker exit (a broken new
 * version must not replace a working one), on the pool going errored, or after `timeoutMs`.
 * Subscribe before `pool.start()`: a command line that cannot work errors the pool synchronously.
 */
export function waitForReady(pool: WorkerPool, timeoutMs: number): Promise<ReadyResult> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: ReadyResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      off();
      resolve(result);
    };
    const check = (): void => {
      if (pool.state === 'errored') finish({ ok: false, reason: pool.errorReason ?? 'app errored' });
      else if (pool.slots.length > 0 && pool.slots.every((s) => s.worker?.state === 'ready')) finish({ ok: true });
    };
    const off = pool.on((event) => {
      if (event.type === 'worker-ready') check();
      else if (event.type === 'worker-exit') finish({ ok: false, reason: `a new worker exited before all listened: ${event.exit.reason}` });
      else if (event.type === 'app-errored') finish({ ok: false, reason: event.reason });
    });
    const timer = setTimeout(() => finish({ ok: false, reason: `the new workers did not all listen within ${timeoutMs} ms` }), timeoutMs);
    queueMicrotask(check);
  });
}
