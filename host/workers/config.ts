import { availableParallelism } from 'node:os';
import type { AppConfig } from '../config/farm-config.ts';
import type { Logger } from '../server/logger.ts';

/**
 * Restart and crash-loop rules for the workers of one app. Shaped after PM2's exponential backoff
 * (×1.5 per consecutive crash, capped, reset after a stable uptime) plus its "errored" state.
 */
export interface RestartPolicy {
  /** Delay before the first restart of a slot, ms. */
  readonly baseDelay: number;
  /** Factor applied to the delay after each further unstable exit. */
  readonly multiplier: number;
  /** Largest delay between restarts, ms. */
  readonly maxDelay: number;
  /** A worker that ran at least this long (ms) resets its slot's backoff. */
  readonly stableUptime: number;
  /** An exit before this uptime (ms) counts as a fast crash. */
  readonly minUptime: number;
  /** Consecutive fast crashes after which a slot gives up (and the app is errored once every slot gave up). */
  readonly maxFastCrashes: number;
}

/** PM2's numbers (15 s cap, 30 s reset) with a shorter first step, so one crash costs 100 ms of capacity. */
export const defaultRestartPolicy: RestartPolicy = Object.freeze({
  baseDelay: 100,
  multiplier: 1.5,
  maxDelay: 15_000,
  stableUptime: 30_000,
  minUptime: 1_000,
  maxFastCrashes: 10,
});

/**
 * Where worker stdout/stderr go: copied to the host's own ('pipe', or to `onOutput`), into the app's log
 * folder per its logging settings ('capture', see docs/logs.md), or nowhere ('ignore').
 */
export type WorkerOutput = 'pipe' | 'capture' | 'ignore';

/** Options of one app's worker pool. */
export interface WorkerPoolOptions {
  readonly app: AppConfig;
  /** Folder for the workers' Unix sockets (their PORT). */
  readonly socketDir: string;
  readonly restart?: Partial<RestartPolicy>;
  /** Called with each chunk a worker writes; default: copied to the host's own stdout/stderr. */
  readonly onOutput?: (stream: 'stdout' | 'stderr', chunk: Buffer, workerId: string) => void;
  readonly output?: WorkerOutput;
  /** Host-provided variables added after the app's env (IISNODE_CONTROL_PIPE). */
  readonly env?: Readonly<Record<string, string>>;
  /** First part of log file names with output 'capture' (the host's serverName); default: the OS host name. */
  readonly serverName?: string;
  /** Where log-folder problems are reported with output 'capture'. */
  readonly log?: Logger;
  /** SIGTERM → SIGKILL grace when stopping a worker, ms. */
  readonly killTimeout?: number;
  /** Arguments put before the command line's own at each spawn of a slot (the inspector's `--inspect=…`). */
  readonly workerArgs?: ((slot: number) => readonly string[]) | undefined;
}

/** The IISNODE_VERSION given to workers: the iisnode release whose behaviour nodefarm follows. */
export const IISNODE_COMPAT_VERSION = '0.2.27';

/** Resolves `nodeProcessCountPerApplication` (0 = one per CPU, as iisnode does); 1 in debug mode, as iisnode. */
export function workerCount(app: AppConfig): number {
  if (app.settings.debuggingEnabled) return 1;
  const n = app.settings.nodeProcessCountPerApplication;
  return n > 0 ? n : Math.max(1, availableParallelism());
}

/** Fills restart defaults and rejects values that would spin or never restart. */
export function resolveRestartPolicy(partial: Partial<RestartPolicy> = {}): RestartPolicy {
  const policy = { ...defaultRestartPolicy, ...partial };
  for (const [key, value] of Object.entries(policy)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`restart.${key} is invalid, expected a finite number >= 0, actual ${String(value)}`);
    }
  }
  if (policy.multiplier < 1) throw new RangeError(`restart.multiplier is invalid, expected >= 1, actual ${policy.multiplier}`);
  if (policy.maxFastCrashes < 1) throw new RangeError(`restart.maxFastCrashes is invalid, expected >= 1, actual ${policy.maxFastCrashes}`);
  return Object.freeze(policy);
}
