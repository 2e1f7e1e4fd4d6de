/**
 * The host's own CPU scheduling (docs/host.md, Host scheduling). Workers run under SCHED_BATCH
 * (`nodeProcessSchedulingPolicy`), so a woken worker does not preempt the host. The host itself runs under the
 * normal policy, so a request that arrives while the workers compute is read at once — except while the workers
 * are saturated: then the host switches itself to SCHED_BATCH as well and widens the dispatch windows by about
 * one scheduler slice, so it no longer preempts a worker for every response and hands over requests in batches.
 *
 * ```ts
 * const scheduler = createHostScheduler({ apps: () => runtimes, log }); // policy 'adaptive'
 * scheduler.start();
 * await scheduler.stop(); // back to the normal policy
 * ```
 */
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from '../dispatch/index.ts';
import type { Logger } from '../server/logger.ts';
import { schedulingLauncher } from '../workers/scheduling.ts';
import { resolveHostSchedulerOptions, type HostSchedulerOptions, type HostSchedulingPolicy } from './config.ts';
import { SaturationDetector } from './saturation-detector.ts';
import { setProcessPolicy, type ProcessPolicy } from './set-process-policy.ts';

export { hostSchedulerDefaults, hostSchedulingPolicies, resolveHostSchedulerOptions } from './config.ts';
export type { HostSchedulerOptions, HostSchedulingPolicy } from './config.ts';
export { SaturationDetector, type SaturationVerdict } from './saturation-detector.ts';

/** What `nodefarm status` shows about it. */
export interface HostSchedulingStatus {
  /** The setting. */
  readonly policy: HostSchedulingPolicy;
  /** The policy the host runs under now. */
  readonly current: ProcessPolicy;
  /** Changes of policy since start. */
  readonly switches: number;
  /** Why the policy cannot be changed here (no chrt, not Linux, refused); absent when it can. */
  readonly unavailable?: string;
}

export interface HostScheduler {
  start(): void;
  /** Stops sampling and puts the host back under the normal policy. */
  stop(): Promise<void>;
  status(): HostSchedulingStatus;
}

export interface HostSchedulerInput {
  /** The current app runtimes (read at every sample: recycles replace them). */
  readonly apps: () => readonly { readonly dispatcher: Dispatcher }[];
  readonly log: Logger;
  readonly options?: Partial<HostSchedulerOptions>;
  /** The process to schedule (default: this one). */
  readonly pid?: number;
  /** Where `chrt` is looked up (default: `PATH`). */
  readonly path?: string;
}

export function createHostScheduler(input: HostSchedulerInput): HostScheduler {
  const o = resolveHostSchedulerOptions(input.options);
  const { log, apps } = input;
  const pid = input.pid ?? process.pid;
  const detector = new SaturationDetector(o);
  let current: ProcessPolicy = 'normal';
  let switches = 0;
  let unavailable: string | undefined;
  let changing: Promise<unknown> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const widen = (): void => {
    for (const a of apps()) a.dispatcher.setExtraAheadMs(current === 'batch' ? o.batchAheadMs : 0);
  };
  /** False when the policy cannot be changed here; the first such failure is warned about and ends sampling. */
  const apply = async (policy: ProcessPolicy, fields: Record<string, unknown>): Promise<boolean> => {
    if (unavailable !== undefined) return false;
    const launcher = schedulingLauncher('batch', input.path ?? process.env.PATH); // [chrt, '--batch', '0'] when usable
    const failed = 'unavailable' in launcher ? launcher.unavailable : await setProcessPolicy(launcher.prefix[0]!, pid, policy);
    if (failed !== undefined) {
      unavailable = failed;
      clearInterval(timer); // nothing more to do here
      log.warn('host scheduling policy unchanged', { policy, reason: failed });
      return false;
    }
    current = policy;
    switches++;
    widen();
    log.info('host scheduling policy', { policy, ...fields });
    return true;
  };
  const tick = (): void => {
    if (changing) return;
    const now = performance.now();
    const samples = apps().map((a) => a.dispatcher.sampleLoad(now));
    if (current === 'batch') widen(); // a recycled app's new dispatcher starts narrow
    const verdict = detector.observe(samples);
    if (verdict === 'stay') return;
    const policy: ProcessPolicy = verdict === 'enter-batch' ? 'batch' : 'normal';
    const busiest = samples.reduce((a, s) => (s.busy > a.busy ? s : a), { busy: 0, acquired: 0, queued: 0 });
    const fields = {
      reason: policy === 'batch' ? 'workers saturated' : 'workers no longer saturated',
      workersBusy: Math.round(busiest.busy * 1000) / 1000,
      queuedShare: busiest.acquired > 0 ? Math.round((busiest.queued / busiest.acquired) * 1000) / 1000 : 0,
    };
    changing = apply(policy, fields).finally(() => (changing = undefined));
  };

  return {
    start() {
      if (timer || o.policy === 'normal') return;
      if (process.platform !== 'linux') { // elsewhere the setting has no meaning; the default must not warn
        unavailable = 'only Linux has SCHED_BATCH';
        return;
      }
      if (o.policy === 'batch') {
        changing = apply('batch', { reason: 'hostSchedulingPolicy batch' }).finally(() => (changing = undefined));
        return;
      }
      for (const a of apps()) a.dispatcher.sampleLoad(); // the first sample starts from here
      timer = setInterval(tick, o.sampleMs).unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await changing;
      if (current === 'batch') await apply('normal', { reason: 'host stopping' });
    },
    status() {
      return { policy: o.policy, current, switches, ...(unavailable !== undefined ? { unavailable } : {}) };
    },
  };
}
