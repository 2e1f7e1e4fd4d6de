/**
 * The nodefarm host: for every app of a FarmConfig a pool of worker processes, a dispatcher and a proxy,
 * behind one front HTTP(S) server, plus the local admin endpoint.
 *
 * ```ts
 * const host = createHost({ config });
 * await host.start();              // listening; workers spawning
 * await host.shutdown(30_000);     // stop intake, drain, stop workers
 * ```
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createAdminServer, collectStatus, type HostStatus } from './admin/index.ts';
import { createCollector, type Collector, type CollectorInput } from '../collector/index.ts';
import type { AppConfig, FarmConfig } from './config/farm-config.ts';
import { chainDecorators, createAppDiagnostics, createHostDiagnostics } from './diagnostics/index.ts';
import { createDispatcher, dispatchOptionsFrom } from './dispatch/index.ts';
import { NodefarmError } from './errors.ts';
import { createProxy, proxySettingsFrom, type ProxyRequest } from './proxy/index.ts';
import { controlSocketPath, createRecycler, type ReloadReport } from './recycle/index.ts';
import {
  createFrontServer, resolveFrontServerOptions, RouteTable, silentLogger, workerChannel,
  type AppRuntime, type FrontServerOptions, type Logger, type WorkerEvent,
} from './server/index.ts';
import { createHostScheduler, type HostSchedulerOptions } from './scheduler/index.ts';
import { createWorkerPool, type PoolEvent, type WorkerPool, type RestartPolicy, type WorkerOutput } from './workers/index.ts';

/** Options of {@link createHost}. */
export interface HostOptions {
  readonly config: FarmConfig;
  /** Lifecycle logs (start, worker spawn/exit, errored, shutdown); nothing per request. Default: silent. */
  readonly log?: Logger;
  /** Crash-restart rules (defaults: ×1.5 from 100 ms, cap 15 s, reset after 30 s, errored after 10 fast crashes). */
  readonly restart?: Partial<RestartPolicy>;
  /** Front server limits (timeouts, header size). */
  readonly server?: Partial<FrontServerOptions>;
  /**
   * Worker stdout/stderr: captured to log files by iisnode's rules ('capture', what `nodefarm serve` uses),
   * copied to the host's own ('pipe', the default for embedding and tests) or dropped ('ignore').
   */
  readonly workerOutput?: WorkerOutput;
  /** Replaces the default copy of worker output to the host's stdout/stderr. */
  readonly onWorkerOutput?: (stream: 'stdout' | 'stderr', chunk: Buffer, workerId: string) => void;
  /** SIGTERM → SIGKILL grace for workers, ms (default 5000). */
  readonly killTimeout?: number;
  /** Re-reads the configuration for reloads (SIGHUP, a changed iisnode.yml); without it only `reload(config)` works. */
  readonly reloadConfig?: () => FarmConfig;
  /** Recycle apps when their `watchedFiles` change (default true). */
  readonly watchFiles?: boolean;
  /** The trace id of a request, for the iisnode-debug header's `trace_id` (telemetry provides it). */
  readonly traceIdOf?: (req: ProxyRequest) => string | undefined;
  /** OpenTelemetry export (collector/, docs/telemetry.md); off unless `enabled`. Default: nodefarm.yml `telemetry:`. */
  readonly telemetry?: CollectorInput;
  /** The host's own CPU scheduling (host/scheduler/); the policy defaults to the farm's `hostSchedulingPolicy`. */
  readonly scheduling?: Partial<HostSchedulerOptions>;
  /** Where the collector reads OTEL_* variables (default: none; `nodefarm serve` passes process.env). */
  readonly telemetryEnv?: Readonly<Record<string, string | undefined>>;
}

/** A running (or startable) host. */
export interface Host {
  readonly config: FarmConfig;
  readonly apps: readonly AppRuntime[];
  /** The telemetry collector (a no-op one when telemetry is off). */
  readonly collector: Collector;
  /** Creates the socket folder, spawns workers, listens. Rejects with a NodefarmError when it cannot listen. */
  start(): Promise<void>;
  /** Stops intake, waits up to `deadlineMs` for requests in flight, stops workers. Idempotent, safe before start. */
  shutdown(deadlineMs?: number): Promise<void>;
  /** The front server's bound address (after start). */
  address(): AddressInfo | null;
  /** Current status, as served on the admin socket. */
  status(): Promise<HostStatus>;
  /**
   * Replaces the workers of app `name`: new ones start, take over once all listen, and the old ones drain up to
   * its gracefulShutdownTimeout; a new version that fails to start leaves the old workers serving (see
   * docs/recycling.md). Also clears an errored state. False when there is no such app or the host is not running.
   */
  recycle(name: string): boolean;
  /**
   * Applies a new configuration (default: from `reloadConfig`): changed apps are recycled onto it, new apps
   * started, removed apps retired. A config that does not load changes nothing; the report says why.
   */
  reload(config?: FarmConfig): ReloadReport;
  /** Resolves when no recycle of `name` (or of any app) is running or queued. */
  recyclesSettled(name?: string): Promise<void>;
}

/** Creates a host for `options.config`; nothing runs until `start()`. */
export function createHost(options: HostOptions): Host {
  const { config } = options;
  const log = options.log ?? silentLogger;
  const serverOptions = resolveFrontServerOptions(options.server);
  // Created before the runtimes: they take its proxy hook and worker environment. Off = a no-op object.
  const collector = createCollector({
    farmName: config.host.farmName, serverName: config.host.serverName, apps: () => apps, log,
  }, options.telemetry ?? config.host.telemetry, options.telemetryEnv);
  const diagnosticsShared = createHostDiagnostics({
    serverName: config.host.serverName,
    traceIdOf: options.traceIdOf ?? (collector.traceHeaders ? collector.traceId : undefined),
  });
  // One runtime per app generation: a recycle builds a fresh one and swaps it in (host/recycle/).
  const createRuntime = (app: AppConfig): AppRuntime => {
    const poolRef: { pool?: WorkerPool } = {}; // diagnostics are created first: the pool needs their workerArgs
    const diagnostics = createAppDiagnostics(app, diagnosticsShared, () => poolRef.pool, log);
    const pool = createWorkerPool({
      workerArgs: diagnostics.workerArgs,
      app, socketDir: config.host.socketDir, restart: options.restart, output: options.workerOutput,
      serverName: config.host.serverName, log,
      onOutput: options.onWorkerOutput, killTimeout: options.killTimeout,
      env: workerEnv(app),
    });
    poolRef.pool = pool;
    const pendingCookies = new WeakMap<object, string>();
    const proxy = createProxy({
      ...proxySettingsFrom(app.settings),
      decorateResponseHeaders: chainDecorators(app.settings.nodeProcessStickySessions
        ? (raw, info) => {
          const cookie = pendingCookies.get(info.req);
          // iisnode puts its cookie first; the app's own Set-Cookie headers follow.
          if (cookie) raw.unshift('Set-Cookie', cookie);
        }
        : undefined, diagnostics.decorateResponseHeaders),
      rewriteRequestHeaders: diagnostics.rewriteRequestHeaders,
      traceHeaders: collector.traceHeaders,
      renderError: diagnostics.renderError,
    });
    pool.on((event) => {
      logPoolEvent(log, app.name, event);
      if (workerChannel.hasSubscribers) workerChannel.publish({ app: app.name, event } satisfies WorkerEvent);
      if (event.type === 'worker-exit') proxy.closeTarget(event.worker.id);
    });
    return { app, pool, dispatcher: createDispatcher(pool, dispatchOptionsFrom(app.settings)), proxy, pendingCookies, diagnostics };
  };
  function workerEnv(app: AppConfig): Record<string, string> | undefined {
    const telemetry = collector.workerEnv(app.name, app.env.NODE_OPTIONS ?? process.env.NODE_OPTIONS);
    const control = app.settings.recycleSignalEnabled ? { IISNODE_CONTROL_PIPE: controlSocketPath(config.host.socketDir, app.name) } : undefined;
    return telemetry || control ? { ...telemetry, ...control } : undefined;
  }
  const apps: AppRuntime[] = config.apps.map(createRuntime);
  let routes = new RouteTable(apps);
  const scheduler = createHostScheduler({
    apps: () => apps, log, options: { policy: config.host.hostSchedulingPolicy, ...options.scheduling },
  });
  const recycler = createRecycler({
    apps, createRuntime, routesChanged: () => (routes = new RouteTable(apps)), host: config.host,
    socketDir: config.host.socketDir, reloadConfig: options.reloadConfig, log, watchFiles: options.watchFiles,
  });

  let server: Server | undefined;
  let admin: Server | undefined;
  let state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';
  let createdSocketDir = false;
  let shutdownPromise: Promise<void> | undefined;
  const startedAt = Date.now();
  // Last-chance cleanup on the synchronous exit path (second signal, uncaught error): kill workers, drop sockets.
  const killAll = (): void => {
    apps.forEach((a) => a.pool.killNow());
    recycler.killNow();
    try {
      if (createdSocketDir) rmSync(config.host.socketDir, { recursive: true, force: true });
    } catch {
      // Leftover sockets in a temp folder are harmless; never fail on the way out.
    }
  };

  const listenText = (): string => {
    const a = server?.address() as AddressInfo | null | undefined;
    const scheme = config.host.tls ? 'https' : 'http';
    return a ? `${scheme}://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}` : '(not listening)';
  };
  const status = (): Promise<HostStatus> => collectStatus(apps, {
    farmName: config.host.farmName, serverName: config.host.serverName, listen: listenText(), startedAt,
  }, (name) => recycler.status(name), scheduler.status());

  const host: Host = {
    config,
    apps,
    collector,
    async start() {
      if (state !== 'new') return;
      state = 'starting';
      const dir = config.host.socketDir;
      try {
        createdSocketDir = !existsSync(dir);
        await mkdir(dir, { recursive: true, mode: 0o700 });
      } catch (err) {
        throw new NodefarmError('HOST_SOCKET_DIR_FAILED', { path: dir, problem: (err as Error).message }, { cause: err });
      }
      // The synchronous 'exit' path is the last chance to take workers down with the host; SIGKILL of the host
      // is covered by each worker watching its stdin pipe (workers/parent-watch.cjs).
      process.on('exit', killAll);
      for (const app of config.apps) log.info('app starting', { app: app.name, script: app.script });
      // Subscribed before the first spawn, so every worker's process.start span is seen.
      collector.start();
      // Control sockets exist before the first worker could write to one.
      await recycler.start();
      await diagnosticsShared.prepare(config.apps); // inspector ports are checked before workers spawn
      for (const a of apps) a.pool.start();
      const front = createFrontServer(config.host, apps, serverOptions, { match: (h, u) => routes.match(h, u) });
      server = front;
      try {
        await listen(front, config.host.port, config.host.listenAddress);
      } catch (err) {
        await host.shutdown(0);
        const e = err as NodeJS.ErrnoException;
        throw new NodefarmError('HOST_LISTEN_FAILED', {
          address: config.host.listenAddress, port: config.host.port, problem: e.code ?? e.message,
        }, { cause: err });
      }
      try {
        admin = await createAdminServer({ socketPath: config.host.adminSocket, status, recycle: (name) => host.recycle(name) });
      } catch (err) {
        await host.shutdown(0);
        const e = err as NodeJS.ErrnoException;
        throw new NodefarmError('HOST_ADMIN_SOCKET_FAILED', { path: config.host.adminSocket, problem: e.code ?? e.message }, { cause: err });
      }
      state = 'running';
      scheduler.start();
      log.info('host listening', { listen: listenText(), adminSocket: config.host.adminSocket, apps: apps.length });
    },
    shutdown(deadlineMs = 30_000) {
      shutdownPromise ??= (async () => {
        const wasRunning = state !== 'new';
        state = 'stopping';
        if (wasRunning) log.info('host stopping', { deadlineMs });
        const deadline = Date.now() + deadlineMs;
        const recyclerClosed = recycler.close(deadlineMs);
        const closed = server ? new Promise<void>((resolve) => server!.close(() => resolve())) : Promise.resolve();
        server?.closeIdleConnections();
        for (const a of apps) a.dispatcher.close();
        await Promise.all(apps.map((a) =>
          a.pool.stop(Math.max(0, Math.min(deadline - Date.now(), a.app.settings.gracefulShutdownTimeout)))));
        await recyclerClosed;
        server?.closeAllConnections();
        await closed;
        if (admin) await new Promise<void>((resolve) => admin!.close(() => resolve()));
        await Promise.all(apps.map((a) => a.proxy.close()));
        await scheduler.stop();
        process.off('exit', killAll);
        // Last: the workers' exit spans are queued by now. Bounded, so a dead receiver cannot hold shutdown.
        await collector.shutdown(Math.min(5000, Math.max(500, deadline - Date.now())));
        if (createdSocketDir) await rm(config.host.socketDir, { recursive: true, force: true }).catch(() => {});
        state = 'stopped';
        if (wasRunning) log.info('host stopped', {});
      })();
      return shutdownPromise;
    },
    address() {
      return (server?.address() as AddressInfo | null | undefined) ?? null;
    },
    status,
    recycle(name) {
      return recycler.recycle(name, { reason: 'recycle requested' });
    },
    reload(newConfig) {
      return recycler.reload(newConfig);
    },
    recyclesSettled(name) {
      return recycler.idle(name);
    },
  };
  return host;
}

function listen(server: Server, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function logPoolEvent(log: Logger, app: string, event: PoolEvent): void {
  switch (event.type) {
    case 'worker-spawn':
      log.info('worker spawned', { app, worker: event.worker.id, pid: event.worker.pid, slot: event.worker.slot });
      break;
    case 'worker-ready':
      log.debug('worker listening', { app, worker: event.worker.id, pid: event.worker.pid });
      break;
    case 'worker-exit': {
      const { exit, worker } = event;
      const fields = { app, worker: worker.id, pid: worker.pid, code: exit.code, signal: exit.signal, reason: exit.reason, uptimeMs: exit.uptime };
      if (exit.expected) log.info('worker stopped', fields);
      else log.warn('worker exited', { ...fields, restartInMs: event.restartIn ?? null });
      break;
    }
    case 'app-errored':
      log.error('app errored', { app, reason: event.reason });
      break;
  }
}
