import type { WorkerPool } from '../workers/index.ts';
import type { DispatchOptions } from './config.ts';
import { Dispatcher } from './dispatcher.ts';

export { dispatchOptionsFrom, type DispatchOptions } from './config.ts';
export { Dispatcher, type Closable, type DispatchStats, type LoadSample } from './dispatcher.ts';
export { Lease, isRejection, type AcquireResult, type Rejection } from './lease.ts';
export { STICKY_COOKIE, readStickyIndex, stickyCookieValue } from './sticky-cookie.ts';

/** Creates the dispatcher of one app over its worker pool. */
export function createDispatcher(pool: WorkerPool, options: DispatchOptions): Dispatcher {
  return new Dispatcher(pool, options);
}
