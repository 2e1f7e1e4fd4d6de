import type { ProxyRequest } from '../proxy/index.ts';
import type { AppConfig } from '../config/farm-config.ts';
import { DebugPortAllocator } from './debug-ports.ts';
import { MemorySampler } from './process-memory.ts';

/** Options shared by the diagnostics of every app of one host. */
export interface HostDiagnosticsOptions {
  /** The `dns` key of the debug header; empty leaves it out. */
  readonly serverName: string;
  /**
   * The trace id of a request, for the debug header's `trace_id` key (telemetry provides it). Called only
   * when the header is on; undefined or a throw leaves the key out.
   */
  readonly traceIdOf?: ((req: ProxyRequest) => string | undefined) | undefined;
}

/**
 * What the diagnostics of all apps of one host share: the host-wide request counter (`worker_total_req`),
 * the memory sampler, and the inspector port allocators (one per port range).
 */
export class HostDiagnostics {
  readonly serverName: string;
  readonly traceIdOf: ((req: ProxyRequest) => string | undefined) | undefined;
  readonly memory = new MemorySampler();
  readonly hostPid = process.pid;
  /** Requests (and upgrades) the host took for its apps since it started. */
  totalRequests = 0;
  readonly #ports = new Map<string, DebugPortAllocator>();

  constructor(options: HostDiagnosticsOptions) {
    this.serverName = options.serverName;
    this.traceIdOf = options.traceIdOf;
  }

  /** The inspector port allocator of a `debuggerPortRange` value. */
  ports(range: string): DebugPortAllocator {
    let allocator = this.#ports.get(range);
    if (!allocator) {
      allocator = new DebugPortAllocator(range);
      this.#ports.set(range, allocator);
    }
    return allocator;
  }

  /** Checks inspector ports ahead of the first spawns: one per app in debug mode, per range. */
  async prepare(apps: readonly AppConfig[]): Promise<void> {
    const counts = new Map<string, number>();
    for (const app of apps) {
      if (app.settings.debuggingEnabled) counts.set(app.settings.debuggerPortRange, (counts.get(app.settings.debuggerPortRange) ?? 0) + 1);
    }
    await Promise.all([...counts].map(([range, n]) => this.ports(range).prepare(n)));
  }
}
