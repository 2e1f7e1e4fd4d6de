import { performance } from 'node:perf_hooks';
import type { WorkerPool, Worker } from '../workers/index.ts';
import type { DispatchOptions } from './config.ts';
import { Lease, type AcquireResult, type Rejection } from './lease.ts';
import { RequestQueue, type QueueEntry } from './request-queue.ts';
import { readStickyIndex, stickyCookieValue } from './sticky-cookie.ts';
import { WorkerWindows } from './worker-windows.ts';

/** Something that emits 'close' when the client goes away (a ServerResponse or an upgrade socket). */
export interface Closable {
  on(event: 'close', listener: () => void): unknown;
  off(event: 'close', listener: () => void): unknown;
}

/** Dispatch counters of one app (all monotonically increasing except `queueLength`). */
export interface DispatchStats {
  readonly queueLength: number;
  readonly queued: number;
  /** Rejected because the queue was full (503.1000). */
  readonly overflowed: number;
  /** Rejected after waiting maxQueueWait (503.1000). */
  readonly timedOut: number;
  /** Left the queue because the client disconnected. */
  readonly abandoned: number;
  /** Rejected because the app is errored or stopping. */
  readonly refused: number;
}

/** How busy an app's workers were since the previous {@link Dispatcher.sampleLoad}. */
export interface LoadSample {
  /** Mean over the workers known at both samples of the share of the time each had a request in flight (0–1). */
  readonly busy: number;
  /** Requests and upgrades that asked for a worker. */
  readonly acquired: number;
  /** Of those, how many had to wait in the host queue. */
  readonly queued: number;
}

/** One request waiting for a worker slot; settled exactly once (lease, rejection, or the client left). */
class Waiter implements QueueEntry<AcquireResult> {
  settled = false;
  readonly enqueuedAt = performance.now(); // monotonic: a wall-clock step must not expire or pin waiters
  readonly stickyIndex: number;
  readonly upgrade: boolean;
  readonly #closable: Closable;
  readonly #resolve: (result: AcquireResult) => void;
  readonly onClose: () => void;

  constructor(stickyIndex: number, upgrade: boolean, closable: Closable, resolve: (result: AcquireResult) => void, onClose: () => void) {
    this.stickyIndex = stickyIndex;
    this.upgrade = upgrade;
    this.#closable = closable;
    this.#resolve = resolve;
    this.onClose = onClose;
    closable.on('close', onClose);
  }

  settle(result: AcquireResult): void {
    this.settled = true;
    this.#closable.off('close', this.onClose);
    this.#resolve(result);
  }
}

const overflow: Rejection = Object.freeze({ rejected: true, status: 503, substatus: 1000, reason: 'request queue full' });
const timeout: Rejection = Object.freeze({ rejected: true, status: 503, substatus: 1000, reason: 'waited too long for a worker' });
const gone: Rejection = Object.freeze({ rejected: true, status: 499, substatus: 0, reason: 'client closed request' });
const stopping: Rejection = Object.freeze({ rejected: true, status: 503, substatus: 1001, reason: 'app is stopping' });

/**
 * Chooses a worker for each request of one app: least outstanding requests (ties rotate) or iisnode's round
 * robin, optionally pinned by the sticky cookie; holds the per-worker cap; queues in a bounded FIFO when
 * every worker is full.
 */
export class Dispatcher {
  readonly #pool: WorkerPool;
  readonly #options: DispatchOptions;
  readonly #queue: RequestQueue<Waiter>;
  readonly #windows: WorkerWindows;
  readonly #release = (lease: Lease): void => this.#onRelease(lease);
  /** One timer for the whole queue: entries are FIFO with the same maxQueueWait, so the head expires first. */
  #timer: NodeJS.Timeout | undefined;
  readonly #expire = (): void => this.#expireWaiters();
  #cursor = 0;
  #closed = false;
  #acquired = 0;
  #queued = 0;
  /** Each worker's busy time at the previous load sample; a worker first seen there is measured from then on. */
  readonly #busyAtSample = new WeakMap<Worker, number>();
  #sampledAt = performance.now();
  #acquiredAtSample = 0;
  #queuedAtSample = 0;
  #overflowed = 0;
  #timedOut = 0;
  #abandoned = 0;
  #refused = 0;

  constructor(pool: WorkerPool, options: DispatchOptions) {
    this.#pool = pool;
    this.#options = options;
    this.#queue = new RequestQueue<Waiter>(options.maxQueued);
    this.#windows = new WorkerWindows(options.aheadMs);
    pool.on((event) => {
      if (event.type === 'app-errored') this.#rejectAll(this.#erroredRejection());
      else if (event.type === 'worker-spawn' || event.type === 'worker-ready') this.#pump();
    });
  }

  get options(): DispatchOptions {
    return this.#options;
  }

  stats(): DispatchStats {
    return {
      queueLength: this.#queue.length, queued: this.#queued, overflowed: this.#overflowed,
      timedOut: this.#timedOut, abandoned: this.#abandoned, refused: this.#refused,
    };
  }

  /**
   * A lease on a worker now, a rejection now, or a promise of either when the request has to wait.
   * `closable` tells when the client left while waiting (the entry is then dropped). `upgrade` marks an Upgrade
   * request, whose slot stays held while its WebSocket or tunnel is open.
   */
  acquire(cookieHeader: string | undefined, closable: Closable, upgrade = false): AcquireResult | Promise<AcquireResult> {
    this.#acquired++;
    const state = this.#pool.state;
    if (this.#closed || state === 'stopping' || state === 'stopped') {
      this.#refused++;
      return stopping;
    }
    if (state === 'errored') {
      this.#refused++;
      return this.#erroredRejection();
    }
    const stickyIndex = this.#options.sticky ? readStickyIndex(cookieHeader) : -1;
    if (this.#queue.length === 0) {
      const lease = this.#tryLease(stickyIndex, true, upgrade);
      if (lease) return lease;
    }
    return this.#enqueue(stickyIndex, closable, upgrade);
  }

  /** Widens the dispatch windows by `ms` of each worker's work (while the host runs SCHED_BATCH; host/scheduler/). */
  setExtraAheadMs(ms: number): void {
    this.#windows.setExtraMs(ms);
  }

  /**
   * How busy the workers were since the previous call (a few times a second, host/scheduler/): the host's
   * signal that the workers, not the arrivals, limit the throughput. Upgrades do not make a worker busy.
   */
  sampleLoad(now = performance.now()): LoadSample {
    const elapsed = now - this.#sampledAt;
    this.#sampledAt = now;
    let sum = 0;
    let known = 0;
    for (const slot of this.#pool.slots) {
      const w = slot.worker;
      if (!w) continue;
      const busy = w.busyMs + (w.active > w.upgrades ? now - w.busySince : 0);
      const before = this.#busyAtSample.get(w);
      this.#busyAtSample.set(w, busy);
      if (before === undefined || elapsed <= 0) continue;
      sum += Math.min(1, (busy - before) / elapsed);
      known++;
    }
    const sample: LoadSample = {
      busy: known > 0 ? sum / known : 0,
      acquired: this.#acquired - this.#acquiredAtSample,
      queued: this.#queued - this.#queuedAtSample,
    };
    this.#acquiredAtSample = this.#acquired;
    this.#queuedAtSample = this.#queued;
    return sample;
  }

  /** Stops intake: queued requests get 503.1001. */
  close(): void {
    this.#closed = true;
    this.#rejectAll(stopping);
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #enqueue(stickyIndex: number, closable: Closable, upgrade: boolean): AcquireResult | Promise<AcquireResult> {
    if (this.#queue.length >= this.#queue.capacity) {
      // Only the cap rejects: a request the window would have held goes to the least busy worker instead.
      const lease = this.#tryLease(stickyIndex, false, upgrade);
      if (lease) return lease;
      this.#overflowed++;
      return overflow;
    }
    return new Promise<AcquireResult>((resolve) => {
      const waiter: Waiter = new Waiter(stickyIndex, upgrade, closable, resolve, () => {
        if (waiter.settled) return;
        this.#abandoned++;
        this.#queue.forget();
        waiter.settle(gone);
      });
      this.#queue.push(waiter);
      this.#queued++;
      this.#armTimer();
    });
  }

  /** Times out the waiters that have waited maxQueueWait, then re-arms for the new head. */
  #expireWaiters(): void {
    this.#timer = undefined;
    const now = performance.now();
    for (let w = this.#queue.peek(); w && now - w.enqueuedAt >= this.#options.maxQueueWait; w = this.#queue.peek()) {
      this.#queue.shift();
      const lease = this.#tryLease(w.stickyIndex, false, w.upgrade); // held by a window only
      if (lease) {
        w.settle(lease);
        continue;
      }
      this.#timedOut++;
      w.settle(timeout);
    }
    this.#armTimer();
  }

  #armTimer(): void {
    if (this.#timer !== undefined) return;
    const head = this.#queue.peek();
    if (!head) return;
    const wait = Math.max(0, head.enqueuedAt + this.#options.maxQueueWait - performance.now());
    // Unref'd: a waiting request's own socket keeps the process alive; an empty queue must not.
    this.#timer = setTimeout(this.#expire, wait).unref();
  }

  /** A lease on the best worker below its cap and, when `windowed`, below its window; null when none is. */
  #tryLease(stickyIndex: number, windowed: boolean, upgrade: boolean): Lease | null {
    const worker = this.#pick(stickyIndex, windowed);
    if (!worker) return null;
    if (upgrade) worker.upgrades++;
    else if (worker.active === worker.upgrades) worker.busySince = performance.now();
    worker.active++;
    const cookie = this.#options.sticky && stickyIndex < 0 ? stickyCookieValue(worker.slot) : undefined;
    return new Lease(worker, cookie, upgrade, this.#release);
  }

  /**
   * At its cap or, when `windowed`, at its dispatch window. Open upgrades count against the cap (iisnode test
   * 131) but not against the window: it bounds work queued inside the worker, and an idle WebSocket is none.
   * A method, not a closure made on every pick.
   */
  #full(w: Worker, windowed: boolean): boolean {
    return w.active >= this.#options.maxConcurrentPerWorker || (windowed && w.active - w.upgrades >= this.#windows.limitOf(w));
  }

  #pick(stickyIndex: number, windowed: boolean): Worker | null {
    const slots = this.#pool.slots;
    const n = slots.length;
    if (stickyIndex >= 0) {
      const w = slots[stickyIndex % n]?.worker;
      if (w && w.accepting && !this.#full(w, windowed)) return w;
    }
    if (this.#options.policy === 'round-robin') {
      // iisnode: advance first, then use, so with N > 1 the first request goes to index 1. A full or
      // restarting worker is skipped (iisnode would answer 503 instead).
      for (let k = 0; k < n; k++) {
        this.#cursor = (this.#cursor + 1) % n;
        const w = slots[this.#cursor]?.worker;
        if (w && w.accepting && !this.#full(w, windowed)) return w;
      }
      return null;
    }
    // Least outstanding: fewest active requests; a listening worker beats one still starting; ties rotate.
    this.#cursor = (this.#cursor + 1) % n;
    let best: Worker | null = null;
    let bestScore = Infinity;
    for (let k = 0; k < n; k++) {
      const w = slots[(this.#cursor + k) % n]?.worker;
      if (!w || !w.accepting || this.#full(w, windowed)) continue;
      const score = w.state === 'ready' ? w.active : w.active + 1e9;
      if (score < bestScore) {
        best = w;
        bestScore = score;
      }
    }
    return best;
  }

  #onRelease(lease: Lease): void {
    const w = lease.worker;
    const now = performance.now();
    w.active--;
    if (lease.upgrade) w.upgrades--;
    else if (w.active === w.upgrades) w.busyMs += now - w.busySince;
    w.processed++;
    this.#windows.update(this.#pool.slots, now);
    if (this.#queue.length > 0) this.#pump();
  }

  #pump(): void {
    for (let waiter = this.#queue.peek(); waiter; waiter = this.#queue.peek()) {
      const lease = this.#tryLease(waiter.stickyIndex, true, waiter.upgrade);
      if (!lease) return;
      this.#queue.shift();
      waiter.settle(lease);
    }
  }

  #rejectAll(rejection: Rejection): void {
    for (let w = this.#queue.shift(); w; w = this.#queue.shift()) {
      this.#refused++;
      w.settle(rejection);
    }
  }

  #erroredRejection(): Rejection {
    return { rejected: true, status: 503, substatus: 1002, reason: `app errored: ${this.#pool.errorReason ?? 'unknown'}` };
  }
}
