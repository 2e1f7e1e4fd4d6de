/**
 * How the host process itself is scheduled by Linux: `adaptive` (the default) runs it under the normal policy and
 * switches it to SCHED_BATCH while the workers are saturated; `batch` and `normal` fix one policy.
 */
export const hostSchedulingPolicies = ['adaptive', 'batch', 'normal'] as const;
export type HostSchedulingPolicy = (typeof hostSchedulingPolicies)[number];

/** Options of {@link createHostScheduler}; only `policy` is a user setting, the rest are tuned here. */
export interface HostSchedulerOptions {
  readonly policy: HostSchedulingPolicy;
  /** How often the workers' load is sampled, ms. */
  readonly sampleMs: number;
  /** An app is saturated when its workers had a request in flight at least this share of a sample (0–1) … */
  readonly enterBusy: number;
  /** … at least this share of its requests waited in the host queue (demand beyond the dispatch windows) … */
  readonly enterQueued: number;
  /** … and the sample held at least this many requests (fewer say nothing about saturation). */
  readonly minRequests: number;
  /** Consecutive saturated samples before the host switches to batch. */
  readonly enterSamples: number;
  /** Batch ends after `leaveSamples` consecutive samples in which no app's workers were busy this share. */
  readonly leaveBusy: number;
  readonly leaveSamples: number;
  /** Added to every dispatch window while the host runs batch: about one scheduler slice the host may wait. */
  readonly batchAheadMs: number;
}

export const hostSchedulerDefaults: HostSchedulerOptions = Object.freeze({
  policy: 'adaptive',
  sampleMs: 100,
  enterBusy: 0.97,
  enterQueued: 0.5,
  minRequests: 100,
  enterSamples: 3,
  leaveBusy: 0.9,
  leaveSamples: 10,
  batchAheadMs: 3,
});

/** Defaults filled in and every value range-checked; a bad value is a programming error and throws. */
export function resolveHostSchedulerOptions(input: Partial<HostSchedulerOptions> = {}): HostSchedulerOptions {
  const o = { ...hostSchedulerDefaults, ...input };
  if (!hostSchedulingPolicies.includes(o.policy)) throw new RangeError(`host scheduling policy '${String(o.policy)}': expected ${hostSchedulingPolicies.join(', ')}`);
  const share = (name: keyof HostSchedulerOptions, v: number): void => {
    if (!(v > 0 && v <= 1)) throw new RangeError(`host scheduler ${name} ${v}: expected a share in (0, 1]`);
  };
  const count = (name: keyof HostSchedulerOptions, v: number, min: number): void => {
    if (!Number.isInteger(v) || v < min) throw new RangeError(`host scheduler ${name} ${v}: expected an integer ≥ ${min}`);
  };
  share('enterBusy', o.enterBusy);
  share('enterQueued', o.enterQueued);
  share('leaveBusy', o.leaveBusy);
  if (o.leaveBusy > o.enterBusy) throw new RangeError(`host scheduler leaveBusy ${o.leaveBusy} is above enterBusy ${o.enterBusy}: batch would end at once`);
  count('sampleMs', o.sampleMs, 10);
  count('minRequests', o.minRequests, 0);
  count('enterSamples', o.enterSamples, 1);
  count('leaveSamples', o.leaveSamples, 1);
  if (!(o.batchAheadMs >= 0 && Number.isFinite(o.batchAheadMs))) throw new RangeError(`host scheduler batchAheadMs ${o.batchAheadMs}: expected ≥ 0`);
  return Object.freeze(o);
}
