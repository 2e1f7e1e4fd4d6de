import type { WorkerPoolOptions } from './config.ts';
import { WorkerPool } from './worker-pool.ts';

export type { RestartPolicy, WorkerPoolOptions, WorkerOutput } from './config.ts';
export { defaultRestartPolicy, workerCount } from './config.ts';
export type { AppState, PoolEvent, Slot } from './worker-pool.ts';
export type { WorkerExit, WorkerState } from './worker.ts';
export { Worker } from './worker.ts';
export { WorkerPool } from './worker-pool.ts';
export { readRss } from './read-rss.ts';
export { splitCommandLine } from './split-command-line.ts';

/** Creates (without starting) the worker pool of one app; call `start()` to spawn its workers. */
export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  return new WorkerPool(options);
}
