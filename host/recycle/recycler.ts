import type { AppConfig, FarmConfig } from '../config/farm-config.ts';
import type { AppRuntime } from '../server/app-runtime.ts';
import type { WatchChange } from '../watch/index.ts';
import { closeHooks, syncControlSocket, syncWatcher, type AppHooks } from './app-hooks.ts';
import { appChanged, hostChanges } from './config-diff.ts';
import { startTimeout, type RecycleRecord, type RecycleStatus, type RecyclerOptions, type ReloadReport } from './config.ts';
import { tryReload, type ReloadResult } from './reload-config.ts';
import { retireRuntime } from './retire-runtime.ts';
import { waitForReady } from './wait-for-ready.ts';

/** What a recycle request carries. */
export interface RecycleRequest {
  readonly reason: string;
  /** Run this config instead of the current one (config reloads). */
  readonly config?: AppConfig;
  /** Drop the request when a recycle of the app is already under way (recycle signals from its workers). */
  readonly coalesce?: boolean;
}

/** Per-app bookkeeping: the recycle in progress, the one queued behind it, watches, counters. */
interface AppRecord {
  readonly name: string;
  /** The config the app runs, or will once the recycle in progress is done. */
  target: AppConfig;
  running: Promise<void> | undefined;
  pending: { reason: string; config: AppConfig | undefined } | undefined;
  starting: AppRuntime | undefined;
  readonly hooks: AppHooks;
  recycles: number;
  failures: number;
  last: RecycleRecord | null;
  lastFailure: RecycleRecord | null;
}

/**
 * Recycles apps without failing requests. A recycle builds a complete new runtime (pool, dispatcher, proxy)
 * from the app's config, waits until every new worker listens, then points the router at it in one step and
 * retires the old runtime (queued and in-flight requests finish there, bounded by gracefulShutdownTimeout).
 * If the new workers crash or never listen, they are stopped and the old ones keep serving; the failure is
 * logged and kept in the status. Also owns what triggers recycles: watched files, control sockets, reloads.
 */
export class Recycler {
  readonly #o: RecyclerOptions;
  readonly #records = new Map<string, AppRecord>();
  readonly #retiring = new Set<Promise<void>>();
  readonly #retiringRuntimes = new Set<AppRuntime>();
  #state: 'new' | 'running' | 'closed' = 'new';

  constructor(options: RecyclerOptions) {
    this.#o = options;
    for (const runtime of options.apps) this.#records.set(runtime.app.name, newRecord(runtime.app));
  }

  /** Starts the file watchers and control sockets of every app. */
  async start(): Promise<void> {
    if (this.#state !== 'new') return;
    this.#state = 'running';
    await Promise.all([...this.#records.values()].map((rec) => this.#applyHooks(rec)));
  }

  /**
   * Asks for a recycle of app `name`; false when there is no such app or the host is not running. A request
   * arriving during a recycle is run after it (once, however many arrive), unless `coalesce` is set.
   */
  recycle(name: string, request: RecycleRequest): boolean {
    const rec = this.#records.get(name);
    if (!rec || this.#state !== 'running') return false;
    if (request.config) rec.target = request.config;
    if (rec.running) {
      if (!request.coalesce || request.config) {
        rec.pending = { reason: request.reason, config: request.config ?? rec.pending?.config };
      }
      return true;
    }
    this.#launch(rec, request.reason, request.config);
    return true;
  }

  /** Recycle status of an app. */
  status(name: string): RecycleStatus | undefined {
    const rec = this.#records.get(name);
    if (!rec) return undefined;
    return {
      state: rec.running ? 'recycling' : 'idle', recycles: rec.recycles, failures: rec.failures,
      last: rec.last, lastFailure: rec.lastFailure,
    };
  }

  /** Resolves when no recycle of `name` (or of any app) is running or queued. */
  async idle(name?: string): Promise<void> {
    for (;;) {
      const busy = [...this.#records.values()].filter((r) => (name === undefined || r.name === name) && r.running);
      if (busy.length === 0) return;
      await Promise.all(busy.map((r) => r.running));
    }
  }

  /**
   * Applies a new configuration (SIGHUP): apps whose settings changed are recycled onto it, new apps are
   * started, apps no longer listed are retired. Without `config`, `reloadConfig` is called; if that throws,
   * nothing changes and the report says why.
   */
  reload(config?: FarmConfig): ReloadReport {
    const empty = { recycled: [], added: [], removed: [], unchanged: [], needsRestart: [] };
    if (this.#state !== 'running') return { ok: false, error: 'the host is not running', ...empty };
    let farm = config;
    if (!farm) {
      const loaded = this.#load();
      if (!loaded.ok) return { ok: false, error: loaded.error, ...empty };
      farm = loaded.farm;
    }
    const report = { ok: true, recycled: [] as string[], added: [] as string[], removed: [] as string[], unchanged: [] as string[], needsRestart: [] as string[] };
    const wanted = new Map(farm.apps.map((a) => [a.name, a]));
    for (const name of [...this.#records.keys()]) {
      if (!wanted.has(name)) {
        this.#remove(name);
        report.removed.push(name);
      }
    }
    for (const app of farm.apps) {
      const rec = this.#records.get(app.name);
      if (!rec) {
        this.#add(app);
        report.added.push(app.name);
      } else if (appChanged(rec.target, app)) {
        this.recycle(app.name, { reason: 'configuration reloaded', config: app });
        report.recycled.push(app.name);
      } else {
        report.unchanged.push(app.name);
      }
    }
    report.needsRestart.push(...hostChanges(this.#o.host, farm.host));
    this.#o.log.info('configuration reloaded', { ...report });
    if (report.needsRestart.length) {
      this.#o.log.warn('host settings changed; they apply after a restart', { keys: report.needsRestart });
    }
    return report;
  }

  /** Stops watching, abandons recycles in progress, and waits (at most `deadlineMs`) for retiring runtimes. */
  async close(deadlineMs: number): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    const closing: Promise<unknown>[] = [];
    for (const rec of this.#records.values()) {
      rec.pending = undefined;
      closing.push(closeHooks(rec.hooks));
      if (rec.starting) closing.push(stopNow(rec.starting));
    }
    for (const runtime of this.#retiringRuntimes) closing.push(runtime.pool.stop(deadlineMs));
    await Promise.all([...closing, ...this.#retiring]);
  }

  /** SIGKILLs workers of runtimes being started or retired (the host's synchronous exit path). */
  killNow(): void {
    for (const rec of this.#records.values()) rec.starting?.pool.killNow();
    for (const runtime of this.#retiringRuntimes) runtime.pool.killNow();
  }

  #launch(rec: AppRecord, reason: string, config: AppConfig | undefined): void {
    rec.running = this.#run(rec, reason, config).finally(() => {
      rec.running = undefined;
      const next = rec.pending;
      rec.pending = undefined;
      if (next && this.#state === 'running' && this.#records.get(rec.name) === rec) this.#launch(rec, next.reason, next.config);
    });
  }

  async #run(rec: AppRecord, reason: string, config: AppConfig | undefined): Promise<void> {
    const { log } = this.#o;
    const current = this.#find(rec.name);
    if (!current) return;
    // The config the app should run: the newest one asked for, even if an earlier recycle onto it failed.
    const app = config ?? rec.target;
    const startedAt = Date.now();
    rec.last = { reason, startedAt, finishedAt: null, outcome: 'in-progress', error: null };
    log.info('app recycling', { app: rec.name, reason });
    // A config that turns recycle signals on needs the socket before the new workers could write to it.
    if (app.settings.recycleSignalEnabled && !rec.hooks.control) await this.#applyHooks(rec, app);
    const next = this.#o.createRuntime(app);
    rec.starting = next;
    const ready = waitForReady(next.pool, startTimeout(app));
    next.pool.start();
    const result = await ready;
    rec.starting = undefined;
    const replaced = this.#find(rec.name);
    if (this.#state !== 'running' || !replaced) {
      await stopNow(next);
      return;
    }
    if (!result.ok) {
      await stopNow(next);
      rec.failures++;
      rec.last = { reason, startedAt, finishedAt: Date.now(), outcome: 'failed', error: result.reason };
      rec.lastFailure = rec.last;
      log.error('app recycle failed; the old workers keep serving', { app: rec.name, reason, error: result.reason });
      return;
    }
    const apps = this.#o.apps;
    apps[apps.indexOf(replaced)] = next;
    this.#o.routesChanged();
    replaced.pool.stopReason = reason;
    rec.recycles++;
    rec.last = { reason, startedAt, finishedAt: Date.now(), outcome: 'recycled', error: null };
    log.info('app recycled', {
      app: rec.name, reason, ms: Date.now() - startedAt,
      pids: next.pool.slots.map((s) => s.worker?.pid ?? null),
    });
    this.#retire(replaced);
    if (app !== replaced.app) await this.#applyHooks(rec);
  }

  #retire(runtime: AppRuntime): void {
    this.#retiringRuntimes.add(runtime);
    const done: Promise<void> = retireRuntime(runtime).catch((err: unknown) => {
      this.#o.log.error('retiring old workers failed', { app: runtime.app.name, error: String(err) });
    }).finally(() => {
      this.#retiring.delete(done);
      this.#retiringRuntimes.delete(runtime);
    });
    this.#retiring.add(done);
  }

  #add(app: AppConfig): void {
    const runtime = this.#o.createRuntime(app);
    this.#o.apps.push(runtime);
    runtime.pool.start();
    this.#o.routesChanged();
    const rec = newRecord(app);
    this.#records.set(app.name, rec);
    this.#o.log.info('app starting', { app: app.name, script: app.script });
    void this.#applyHooks(rec);
  }

  #remove(name: string): void {
    const rec = this.#records.get(name);
    this.#records.delete(name);
    if (rec) {
      rec.pending = undefined;
      void closeHooks(rec.hooks);
    }
    const runtime = this.#find(name);
    if (!runtime) return;
    this.#o.apps.splice(this.#o.apps.indexOf(runtime), 1);
    this.#o.routesChanged();
    this.#o.log.info('app removed', { app: name });
    runtime.pool.stopReason = 'configuration reloaded';
    this.#retire(runtime);
  }

  #find(name: string): AppRuntime | undefined {
    return this.#o.apps.find((a) => a.app.name === name);
  }

  /** (Re)creates the file watcher and the control socket when the settings behind them changed. */
  async #applyHooks(rec: AppRecord, forApp?: AppConfig): Promise<void> {
    const app = forApp ?? this.#find(rec.name)?.app ?? rec.target;
    const { log } = this.#o;
    syncWatcher(rec.hooks, app, {
      enabled: this.#o.watchFiles !== false, debounce: this.#o.watchDebounce, log,
      onChange: (changes) => this.#onFilesChanged(rec.name, changes),
    });
    await syncControlSocket(rec.hooks, app, this.#o.socketDir, log, () => {
      log.info('recycle signal received', { app: rec.name });
      this.recycle(rec.name, { reason: 'recycle signal from a worker', coalesce: true });
    });
  }

  #onFilesChanged(name: string, changes: readonly WatchChange[]): void {
    const runtime = this.#find(name);
    if (!runtime || this.#state !== 'running') return;
    const overrides = runtime.app.settings.configOverrides;
    // iisnode compares the changed entry's file name with configOverrides exactly (case-sensitive).
    const configChanged = overrides !== '' && changes.some((c) => c.entry.name === overrides);
    const files = changes.map((c) => `${c.entry.text} (${c.kind})`);
    this.#o.log.info('watched files changed', { app: name, files });
    const config = configChanged ? this.#reloadApp(name) : undefined;
    this.recycle(name, { reason: `${configChanged ? 'config file' : 'watched file'} changed: ${files.join(', ')}`, config });
  }

  /** The app's config from a fresh load, or undefined (error logged, running config kept). */
  #reloadApp(name: string): AppConfig | undefined {
    const loaded = this.#load();
    if (!loaded.ok) return undefined;
    const app = loaded.farm.apps.find((a) => a.name === name);
    if (!app) this.#o.log.warn('app is not in the reloaded configuration; keeping its running config', { app: name });
    return app;
  }

  #load(): ReloadResult {
    return tryReload(this.#o.reloadConfig, this.#o.log);
  }

}

function newRecord(app: AppConfig): AppRecord {
  return {
    name: app.name, target: app, running: undefined, pending: undefined, starting: undefined,
    hooks: { watcher: undefined, watchKey: '', control: undefined }, recycles: 0, failures: 0, last: null, lastFailure: null,
  };
}

async function stopNow(runtime: AppRuntime): Promise<void> {
  runtime.dispatcher.close();
  await runtime.pool.stop(0);
  await runtime.proxy.close();
}
