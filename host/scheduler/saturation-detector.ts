import type { LoadSample } from '../dispatch/index.ts';
import type { HostSchedulerOptions } from './config.ts';

/** What the detector concluded from one round of samples. */
export type SaturationVerdict = 'enter-batch' | 'leave-batch' | 'stay';

/**
 * Decides from the workers' load samples when the host should run under SCHED_BATCH. Saturated = some app's
 * workers were busy nearly all the time *and* most of its requests had to wait in the host queue, for
 * `enterSamples` samples in a row. The queue condition keeps a busy but not overloaded farm (every request
 * dispatched at once) under the normal policy, where the host answers sooner. Batch ends only when the workers
 * are no longer busy: in batch the windows are wider, so fewer requests queue, and leaving on the queue
 * condition would switch back and forth.
 */
export class SaturationDetector {
  readonly #o: HostSchedulerOptions;
  #batch = false;
  #streak = 0;

  constructor(options: HostSchedulerOptions) {
    this.#o = options;
  }

  get batch(): boolean {
    return this.#batch;
  }

  /** One round: a sample per app. */
  observe(samples: readonly LoadSample[]): SaturationVerdict {
    const o = this.#o;
    if (!this.#batch) {
      const saturated = samples.some((s) => s.acquired >= o.minRequests && s.busy >= o.enterBusy && s.queued >= o.enterQueued * s.acquired);
      this.#streak = saturated ? this.#streak + 1 : 0;
      if (this.#streak < o.enterSamples) return 'stay';
      this.#batch = true;
      this.#streak = 0;
      return 'enter-batch';
    }
    const busy = samples.some((s) => s.busy >= o.leaveBusy);
    this.#streak = busy ? 0 : this.#streak + 1;
    if (this.#streak < o.leaveSamples) return 'stay';
    this.#batch = false;
    this.#streak = 0;
    return 'leave-batch';
  }
}
