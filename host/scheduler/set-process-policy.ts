import { execFile } from 'node:child_process';

/** The two policies the host switches between. */
export type ProcessPolicy = 'batch' | 'normal';

/**
 * Sets the Linux scheduling policy of the main thread of `pid` with util-linux's `chrt` (Node has no call for
 * sched_setscheduler; moving between SCHED_OTHER and SCHED_BATCH needs no privilege). Resolves to undefined on
 * success or to the reason it failed. Only the main thread changes: it runs the event loop, the thread pool
 * does file work off the request path.
 */
export function setProcessPolicy(chrt: string, pid: number, policy: ProcessPolicy): Promise<string | undefined> {
  const flag = policy === 'batch' ? '--batch' : '--other';
  return new Promise((resolve) => {
    execFile(chrt, [flag, '--pid', '0', String(pid)], { timeout: 10_000 }, (err, _stdout, stderr) => {
      resolve(err ? `'${chrt} ${flag} --pid 0 ${pid}' failed: ${String(stderr).trim() || err.message}` : undefined);
    });
  });
}
