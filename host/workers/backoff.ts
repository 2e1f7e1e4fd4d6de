import type { RestartPolicy } from './config.ts';

/** What to do after a worker of a slot exited unexpectedly. */
export type RestartDecision =
  | { readonly action: 'restart'; readonly delay: number }
  | { readonly action: 'give-up'; readonly fastCrashes: number };

/**
 * Per-slot restart bookkeeping: the delay grows ×multiplier for each unstable exit and resets after a
 * stable uptime; too many consecutive fast crashes mean the slot gives up instead of spawning forever.
 */
export class Backoff {
  readonly #policy: RestartPolicy;
  #unstableExits = 0;
  #fastCrashes = 0;

  constructor(policy: RestartPolicy) {
    this.#policy = policy;
  }

  /** Consecutive exits before `minUptime`. */
  get fastCrashes(): number {
    return this.#fastCrashes;
  }

  /** Records an exit after `uptime` ms and decides the next step. */
  onExit(uptime: number): RestartDecision {
    const p = this.#policy;
    if (uptime >= p.stableUptime) this.#unstableExits = 0;
    this.#fastCrashes = uptime < p.minUptime ? this.#fastCrashes + 1 : 0;
    if (this.#fastCrashes >= p.maxFastCrashes) return { action: 'give-up', fastCrashes: this.#fastCrashes };
    const delay = Math.min(p.maxDelay, p.baseDelay * p.multiplier ** this.#unstableExits);
    this.#unstableExits++;
    return { action: 'restart', delay: Math.round(delay) };
  }

  /** Forget the history (an explicit restart of the app). */
  reset(): void {
    this.#unstableExits = 0;
    this.#fastCrashes = 0;
  }
}
