import type { IisnodeSettings } from '../config/iisnode-settings.ts';

/** How one app's requests are spread over its workers and how long they may wait for a free slot. */
export interface DispatchOptions {
  readonly policy: 'least-outstanding' | 'round-robin';
  /** iisnode's cookie affinity (`iisnode.session.cookie`). */
  readonly sticky: boolean;
  /** Concurrent requests per worker; Infinity = no cap. */
  readonly maxConcurrentPerWorker: number;
  /**
   * Work sent ahead to a busy worker, in ms of its recent throughput (see worker-windows.ts); 0 = send at once.
   * A soft limit, below the cap: a request it holds is never rejected (when the queue is full or its wait is
   * over, it goes to the least busy worker instead).
   */
  readonly aheadMs: number;
  /** Requests that may wait when every worker is at its cap; 0 = none wait (iisnode's immediate 503). */
  readonly maxQueued: number;
  /** Longest wait in the queue, ms. */
  readonly maxQueueWait: number;
}

/** Picks the dispatch options out of an app's validated settings. */
export function dispatchOptionsFrom(settings: Readonly<IisnodeSettings>): DispatchOptions {
  return Object.freeze({
    policy: settings.dispatchPolicy,
    sticky: settings.nodeProcessStickySessions,
    maxConcurrentPerWorker: settings.maxConcurrentRequestsPerProcess > 0 ? settings.maxConcurrentRequestsPerProcess : Infinity,
    aheadMs: Math.max(0, settings.dispatchAheadMs),
    maxQueued: Math.max(0, settings.maxQueuedRequestsPerApplication),
    maxQueueWait: Math.max(0, settings.maxQueueWaitTime),
  });
}
