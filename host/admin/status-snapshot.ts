import type { HostSchedulingStatus } from '../scheduler/index.ts';
import type { AppRuntime } from '../server/app-runtime.ts';
import type { RecycleStatus } from '../recycle/config.ts';
import { readRss, type AppState, type WorkerState } from '../workers/index.ts';

/** One worker slot as shown by `nodefarm status`. */
export interface WorkerStatus {
  readonly slot: number;
  readonly id: string | null;
  readonly pid: number | null;
  /** The process state, or `restarting` (waiting out its backoff) / `gave-up` (crash loop) for an empty slot. */
  readonly state: WorkerState | 'restarting' | 'gave-up' | 'stopped';
  readonly activeRequests: number;
  readonly processed: number;
  /** ms since the process started. */
  readonly uptime: number | null;
  readonly rssBytes: number | null;
  readonly restarts: number;
  readonly lastExit: { readonly code: number | null; readonly signal: string | null; readonly reason: string } | null;
}

/** One app as shown by `nodefarm status`. */
export interface AppStatus {
  readonly name: string;
  readonly script: string;
  readonly state: AppState;
  readonly errorReason: string | null;
  readonly match: { readonly pathPrefix: string; readonly hosts: readonly string[] };
  readonly dispatchPolicy: string;
  readonly stickySessions: boolean;
  readonly maxConcurrentRequestsPerProcess: number | 'Infinite';
  readonly queue: {
    readonly length: number;
    readonly capacity: number;
    readonly queued: number;
    readonly overflowed: number;
    readonly timedOut: number;
    readonly abandoned: number;
    readonly refused: number;
  };
  readonly activeRequests: number;
  readonly processed: number;
  readonly restarts: number;
  readonly workers: readonly WorkerStatus[];
  /** Recycles of the app (present when the host runs a recycler). */
  readonly recycle?: RecycleStatus;
}

/** The whole host as served on the admin socket (`GET /status`). */
export interface HostStatus {
  readonly farmName: string;
  readonly serverName: string;
  readonly pid: number;
  readonly uptime: number;
  readonly rssBytes: number;
  readonly listen: string;
  /** How Linux schedules the host process (host/scheduler/); absent for hosts without a scheduler. */
  readonly scheduling?: HostSchedulingStatus;
  readonly apps: readonly AppStatus[];
}

/** Collects the status of every app; RSS is read from /proc now (one small read per worker). */
export async function collectStatus(
  runtimes: readonly AppRuntime[],
  host: { farmName: string; serverName: string; listen: string; startedAt: number },
  recycleStatus?: (appName: string) => RecycleStatus | undefined,
  scheduling?: HostSchedulingStatus,
): Promise<HostStatus> {
  const apps = await Promise.all(runtimes.map(async (r) => {
    const status = await appStatus(r);
    const recycle = recycleStatus?.(r.app.name);
    return recycle ? { ...status, recycle } : status;
  }));
  return {
    farmName: host.farmName,
    serverName: host.serverName,
    pid: process.pid,
    uptime: Date.now() - host.startedAt,
    rssBytes: process.memoryUsage.rss(),
    listen: host.listen,
    ...(scheduling ? { scheduling } : {}),
    apps,
  };
}

async function appStatus(runtime: AppRuntime): Promise<AppStatus> {
  const { app, pool, dispatcher } = runtime;
  const now = Date.now();
  const workers = await Promise.all(pool.slots.map(async (slot): Promise<WorkerStatus> => {
    const w = slot.worker;
    const lastExit = slot.lastExit ? { code: slot.lastExit.code, signal: slot.lastExit.signal, reason: slot.lastExit.reason } : null;
    if (!w) {
      const state = pool.state === 'stopped' || pool.state === 'stopping' ? 'stopped' : slot.gaveUp ? 'gave-up' : 'restarting';
      return { slot: slot.index, id: null, pid: null, state, activeRequests: 0, processed: 0, uptime: null, rssBytes: null, restarts: slot.restarts, lastExit };
    }
    return {
      slot: slot.index, id: w.id, pid: w.pid || null, state: w.state, activeRequests: w.active, processed: w.processed,
      uptime: now - w.startedAt, rssBytes: (await readRss(w.pid)) ?? null, restarts: slot.restarts, lastExit,
    };
  }));
  const stats = dispatcher.stats();
  const cap = dispatcher.options.maxConcurrentPerWorker;
  return {
    name: app.name,
    script: app.script,
    state: pool.state,
    errorReason: pool.errorReason ?? null,
    match: { pathPrefix: app.match.pathPrefix, hosts: [...app.match.hosts] },
    dispatchPolicy: dispatcher.options.policy,
    stickySessions: dispatcher.options.sticky,
    maxConcurrentRequestsPerProcess: Number.isFinite(cap) ? cap : 'Infinite',
    queue: {
      length: stats.queueLength, capacity: dispatcher.options.maxQueued, queued: stats.queued,
      overflowed: stats.overflowed, timedOut: stats.timedOut, abandoned: stats.abandoned, refused: stats.refused,
    },
    activeRequests: workers.reduce((s, w) => s + w.activeRequests, 0),
    processed: workers.reduce((s, w) => s + w.processed, 0),
    restarts: pool.restarts,
    workers,
  };
}
