import type { AppConfig, FarmConfig, HostSettings } from '../config/farm-config.ts';
import type { AppRuntime } from '../server/app-runtime.ts';
import type { Logger } from '../server/logger.ts';

/** Options of the host's recycler: how to build an app's runtime and how to tell the router about swaps. */
export interface RecyclerOptions {
  /** The host's live list of runtimes; the recycler replaces, adds and removes entries in place. */
  readonly apps: AppRuntime[];
  /** Builds (without starting) the runtime of an app: pool, dispatcher, proxy. */
  readonly createRuntime: (app: AppConfig) => AppRuntime;
  /** Called after `apps` changed, so the front server routes to the new runtimes. */
  readonly routesChanged: () => void;
  /** The running host settings (a reload that changes them is reported as needing a restart). */
  readonly host: HostSettings;
  /** Folder of the control sockets (the host's socketDir). */
  readonly socketDir: string;
  /** Re-reads the configuration (nodefarm.yml, iisnode.yml files, IISNODE_* variables); throws NodefarmError. */
  readonly reloadConfig?: () => FarmConfig;
  /** Lifecycle logs. */
  readonly log: Logger;
  /** Watch `watchedFiles` (default true; tests of other parts may turn it off). */
  readonly watchFiles?: boolean;
  /** Quiet time before a watched folder is re-checked, ms (default 100). */
  readonly watchDebounce?: number;
}

/** How recycles of one app went, as shown by `nodefarm status`. */
export interface RecycleStatus {
  /** `recycling` while new workers start (old ones still serve). */
  readonly state: 'idle' | 'recycling';
  /** Recycles that replaced the workers. */
  readonly recycles: number;
  /** Recycles abandoned because the new workers did not start; the old ones kept serving. */
  readonly failures: number;
  readonly last: RecycleRecord | null;
  /** The most recent failure (kept after later successes so it is not lost). */
  readonly lastFailure: RecycleRecord | null;
}

/** One recycle attempt. Times are epoch ms. */
export interface RecycleRecord {
  readonly reason: string;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly outcome: 'in-progress' | 'recycled' | 'failed';
  readonly error: string | null;
}

/** What a configuration reload did. */
export interface ReloadReport {
  readonly ok: boolean;
  /** Why the new configuration was refused (the running one is kept). */
  readonly error?: string;
  readonly recycled: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly unchanged: readonly string[];
  /** Host settings that differ but need a restart (listen address, port, TLS, sockets). */
  readonly needsRestart: readonly string[];
}

/**
 * How long new workers may take to listen before a recycle is abandoned: the time the proxy would keep
 * retrying to connect to a starting worker (retries × delay), at least 1 s.
 */
export function startTimeout(app: AppConfig): number {
  return Math.max(1000, app.settings.maxNamedPipeConnectionRetry * app.settings.namedPipeConnectionRetryDelay);
}
