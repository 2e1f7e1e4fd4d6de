import type { Worker } from '../workers/index.ts';

interface WindowState {
  processed: number;
  window: number;
}

/** How often the windows follow the workers' throughput, ms. */
const updateEveryMs = 100;
/** Never fewer requests in flight than this: one being served, one ready to start. */
const minWindow = 2;

/**
 * Per-worker dispatch windows sized from each worker's recent throughput: about `aheadMs` of its work
 * (completions per ms × aheadMs, at least 2). A fast worker gets a wide window, so its requests still arrive in
 * batches (a Node worker reads every ready request in one pass of its event loop); a slow one gets a narrow window,
 * so a request never waits inside a worker behind more than about `aheadMs` of work, and behind a slow request it
 * waits for at most one. Requests beyond the window wait in the host queue for whichever worker frees up first.
 */
export class WorkerWindows {
  readonly #aheadMs: number;
  /** Added to `aheadMs` while the host itself may wait longer for the CPU (host/scheduler/). */
  #extraMs = 0;
  readonly #state = new WeakMap<Worker, WindowState>();
  #lastUpdate = -Infinity;

  /** `aheadMs` 0 (or not finite) turns windows off. */
  constructor(aheadMs: number) {
    this.#aheadMs = Number.isFinite(aheadMs) && aheadMs > 0 ? aheadMs : 0;
  }

  /** Widens every window by `ms` of work from the next update on; ignored when windows are off. */
  setExtraMs(ms: number): void {
    this.#extraMs = Math.max(0, ms);
  }

  /** Requests `worker` may have in flight before new ones wait in the host; Infinity until its speed is known. */
  limitOf(worker: Worker): number {
    if (this.#aheadMs === 0) return Infinity;
    return this.#state.get(worker)?.window ?? Infinity;
  }

  /** Follows the workers' throughput; cheap to call on every release (it works at most every 100 ms). */
  update(slots: readonly { readonly worker: Worker | null }[], now: number): void {
    if (this.#aheadMs === 0) return;
    const elapsed = now - this.#lastUpdate;
    if (elapsed < updateEveryMs) return;
    this.#lastUpdate = now;
    for (const slot of slots) {
      const w = slot.worker;
      if (!w) continue;
      const s = this.#state.get(w);
      if (!s || !Number.isFinite(elapsed)) {
        this.#state.set(w, { processed: w.processed, window: s?.window ?? Infinity });
        continue;
      }
      const done = w.processed - s.processed;
      s.processed = w.processed;
      if (done === 0) continue; // idle, or stuck on one request: nothing learned about its speed
      const target = Math.max(minWindow, Math.ceil((done / elapsed) * (this.#aheadMs + this.#extraMs)));
      s.window = s.window === Infinity ? target : Math.max(minWindow, Math.round((s.window + target) / 2));
    }
  }
}
