import type { Server } from 'node:http';
import { startAdminServer } from './admin-server.ts';
import type { HostStatus } from './status-snapshot.ts';

export { collectStatus, type AppStatus, type HostStatus, type WorkerStatus } from './status-snapshot.ts';
export { formatStatus, formatDuration, formatMemory } from './format-status.ts';
export { fetchStatus } from './fetch-status.ts';

/** Options of the admin endpoint. */
export interface AdminOptions {
  /** Unix socket path (HostSettings.adminSocket). */
  readonly socketPath: string;
  /** Produces the current status. */
  readonly status: () => Promise<HostStatus>;
  /** Replaces an app's workers; false when the app is unknown. */
  readonly recycle?: (appName: string) => boolean;
}

/** Starts the local-only admin endpoint; close the returned server to stop it. */
export function createAdminServer(options: AdminOptions): Promise<Server> {
  return startAdminServer(options.socketPath, options.status, options.recycle);
}
