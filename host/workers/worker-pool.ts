import { join } from 'node:path';
import type { AppConfig } from '../config/farm-config.ts';
import { createLogCapture, logCaptureOptionsFrom, type LogCapture } from '../logs/index.ts';
import { Backoff } from './backoff.ts';
import { IISNODE_COMPAT_VERSION, resolveRestartPolicy, workerCount, type RestartPolicy, type WorkerPoolOptions } from './config.ts';
import { findExecutable, schedulingLauncher } from './scheduling.ts';
import { splitCommandLine } from './split-command-line.ts';
import { Worker, type WorkerExit, type WorkerSpawnSpec } from './worker.ts';

/** `errored`: every slot crashed too fast too often; requests get an immediate 503 until a restart. */
export type AppState = 'starting' | 'running' | 'errored' | 'stopping' | 'stopped';

/** Lifecycle events, for logs, telemetry and the dispatcher (which re-checks its queue on each). */
export type PoolEvent =
  | { readonly type: 'worker-spawn'; readonly worker: Worker }
  | { readonly type: 'worker-ready'; readonly worker: Worker }
  | { readonly type: 'worker-exit'; readonly worker: Worker; readonly exit: WorkerExit; readonly restartIn?: number;
      /** Why the host stopped the pool (a recycle's reason), when it did; telemetry's exit reason. */
      readonly stopReason?: string }
  | { readonly type: 'app-errored'; readonly reason: string };

/** One worker position of an app; its process is replaced after each exit. */
export interface Slot {
  readonly index: number;
  worker: Worker | null;
  restarts: number;
  lastExit: WorkerExit | undefined;
  /** Set when the slot stopped restarting (crash loop). */
  gaveUp: boolean;
  readonly backoff: Backoff;
  timer: NodeJS.Timeout | undefined;
}

const PRELOAD = join(import.meta.dirname, 'parent-watch.cjs');

/**
 * The N workers of one app: spawns them, replaces the ones that exit (with backoff), marks the app
 * `errored` on a crash loop, and stops them gracefully.
 */
export class WorkerPool {
  readonly app: AppConfig;
  readonly slots: readonly Slot[];
  state: AppState = 'starting';
  errorReason: string | undefined;
  /** Set by whoever stops the pool for a reason other than host shutdown (e.g. a recycle's reason). */
  stopReason: string | undefined;
  readonly #options: WorkerPoolOptions;
  readonly #policy: RestartPolicy;
  readonly #listeners = new Set<(event: PoolEvent) => void>();
  readonly #spawnBase: Omit<WorkerSpawnSpec, 'slot'> | string;
  /** The app's log capture (output 'capture'): log files and the workers' stderr tails. */
  readonly logs: LogCapture | undefined;

  constructor(options: WorkerPoolOptions) {
    this.app = options.app;
    this.#options = options;
    this.#policy = resolveRestartPolicy(options.restart);
    this.slots = Array.from({ length: workerCount(options.app) }, (_, index) => ({
      index, worker: null, restarts: 0, lastExit: undefined, gaveUp: false, backoff: new Backoff(this.#policy), timer: undefined,
    }));
    this.#spawnBase = spawnBase(options);
    this.logs = options.output === 'capture'
      ? createLogCapture(logCaptureOptionsFrom(options.app, options.serverName, options.log))
      : undefined;
  }

  /** Subscribes to lifecycle events; returns the unsubscribe function. */
  on(listener: (event: PoolEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Spawns every slot (iisnode creates all processes of an app eagerly). */
  start(): void {
    if (this.state !== 'starting') return;
    if (typeof this.#spawnBase === 'string') {
      this.#markErrored(this.#spawnBase);
      return;
    }
    for (const slot of this.slots) this.#spawn(slot);
  }

  /**
   * Replaces every worker in place: a fresh one is spawned in each slot at once while the old one drains (up to
   * `drainMs`, then SIGTERM). Clears an `errored` state and the backoff history. No-op while stopping. App recycles
   * build a whole new pool instead (host/recycle/); this in-place form serves the debugger's `?kill` and `?brk`.
   */
  recycle(drainMs: number): void {
    if (this.state === 'stopping' || this.state === 'stopped' || typeof this.#spawnBase === 'string') return;
    if (this.state === 'errored') {
      this.state = 'starting';
      this.errorReason = undefined;
    }
    for (const slot of this.slots) {
      clearTimeout(slot.timer);
      slot.timer = undefined;
      slot.gaveUp = false;
      slot.backoff.reset();
      const old = slot.worker;
      void old?.stop(drainMs, this.#options.killTimeout ?? 5000);
      this.#spawn(slot);
    }
  }

  /** Total restarts over all slots. */
  get restarts(): number {
    return this.slots.reduce((sum, s) => sum + s.restarts, 0);
  }

  /** Kills every worker at once (SIGKILL), for the host's synchronous exit path. */
  killNow(): void {
    for (const slot of this.slots) slot.worker?.killNow();
  }

  /** Stops all workers: drain up to `drainMs`, then SIGTERM, SIGKILL after the kill timeout. Idempotent. */
  async stop(drainMs: number): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopping';
    const exits: Promise<WorkerExit>[] = [];
    for (const slot of this.slots) {
      clearTimeout(slot.timer);
      slot.timer = undefined;
      if (slot.worker) exits.push(slot.worker.stop(drainMs, this.#options.killTimeout ?? 5000));
    }
    await Promise.all(exits);
    await this.logs?.close();
    this.state = 'stopped';
  }

  #emit(event: PoolEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  #spawn(slot: Slot): void {
    const base = this.#spawnBase as Omit<WorkerSpawnSpec, 'slot'>;
    const extra = this.#options.workerArgs?.(slot.index);
    const spec = extra?.length ? { ...base, args: [...extra, ...base.args], slot: slot.index } : { ...base, slot: slot.index };
    const worker = new Worker(spec, () => {
      if (this.state === 'starting') this.state = 'running';
      this.#emit({ type: 'worker-ready', worker });
    });
    slot.worker = worker;
    if (this.logs) {
      if (worker.pid > 0) this.logs.attach(worker);
    } else {
      const onOutput = this.#options.onOutput ?? defaultOutput;
      worker.stdout?.on('data', (chunk: Buffer) => onOutput('stdout', chunk, worker.id));
      worker.stderr?.on('data', (chunk: Buffer) => onOutput('stderr', chunk, worker.id));
    }
    void worker.exited.then((exit) => this.#onExit(slot, worker, exit));
    this.#emit({ type: 'worker-spawn', worker });
  }

  #onExit(slot: Slot, worker: Worker, exit: WorkerExit): void {
    if (slot.worker === worker) slot.worker = null;
    slot.lastExit = exit;
    if (this.state === 'stopping' || this.state === 'stopped' || exit.expected) {
      this.#emit({ type: 'worker-exit', worker, exit, stopReason: this.stopReason });
      return;
    }
    const decision = slot.backoff.onExit(exit.uptime);
    if (decision.action === 'give-up') {
      slot.gaveUp = true;
      this.#emit({ type: 'worker-exit', worker, exit });
      if (this.slots.every((s) => s.gaveUp)) {
        this.#markErrored(`crash loop: ${decision.fastCrashes} exits within ${this.#policy.minUptime} ms of start; last: ${exit.reason}`);
      }
      return;
    }
    this.#emit({ type: 'worker-exit', worker, exit, restartIn: decision.delay });
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      if (this.state !== 'starting' && this.state !== 'running') return;
      slot.restarts++;
      this.#spawn(slot);
    }, decision.delay);
  }

  #markErrored(reason: string): void {
    this.state = 'errored';
    this.errorReason = reason;
    this.#emit({ type: 'app-errored', reason });
  }
}

function defaultOutput(stream: 'stdout' | 'stderr', chunk: Buffer): void {
  (stream === 'stdout' ? process.stdout : process.stderr).write(chunk);
}

const warnedLaunchers = new Set<string>();

/**
 * The argv prefix for the app's scheduling policy. A command that cannot be found is spawned without it, so its
 * ENOENT still names the command; a policy this machine cannot apply is warned about once per host.
 */
function launcherFor(options: WorkerPoolOptions, command: string): readonly string[] | undefined {
  const { app } = options;
  const launcher = schedulingLauncher(app.settings.nodeProcessSchedulingPolicy);
  if ('unavailable' in launcher) {
    if (!warnedLaunchers.has(launcher.unavailable)) {
      warnedLaunchers.add(launcher.unavailable);
      options.log?.warn('nodeProcessSchedulingPolicy: batch is not applied; workers run under the normal policy', {
        app: app.name, reason: launcher.unavailable,
      });
    }
    return undefined;
  }
  if (launcher.prefix.length === 0) return undefined;
  const path = options.env?.PATH ?? app.env.PATH ?? process.env.PATH;
  return findExecutable(command, path, app.dir) ? launcher.prefix : undefined;
}

/** Everything about spawning that is the same for every worker of the app, or the reason it cannot work. */
function spawnBase(options: WorkerPoolOptions): Omit<WorkerSpawnSpec, 'slot'> | string {
  const { app } = options;
  const argv = splitCommandLine(app.settings.nodeProcessCommandLine);
  if (!argv || argv.length === 0) {
    return `nodeProcessCommandLine is not a usable command line: ${JSON.stringify(app.settings.nodeProcessCommandLine)}`;
  }
  const [command, ...args] = argv as [string, ...string[]];
  if (app.settings.interceptor) args.push(app.settings.interceptor);
  args.push(app.script);
  const preload = `--require ${JSON.stringify(PRELOAD)}`;
  const env: Record<string, string | undefined> = { ...process.env, ...app.env, ...options.env, IISNODE_VERSION: IISNODE_COMPAT_VERSION };
  if (app.settings.node_env) env.NODE_ENV = app.settings.node_env;
  env.NODE_OPTIONS = env.NODE_OPTIONS ? `${env.NODE_OPTIONS} ${preload}` : preload;
  env.NODEFARM_PRELOAD = preload;
  return {
    appName: app.name, command, args, cwd: app.dir, env, socketDir: options.socketDir,
    pipeOutput: (options.output ?? 'pipe') !== 'ignore', launcher: launcherFor(options, command),
  };
}
