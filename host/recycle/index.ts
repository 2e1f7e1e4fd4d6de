/**
 * Recycling apps without failing requests, and what triggers it: watched files, the per-app control socket
 * (IISNODE_CONTROL_PIPE), configuration reloads (SIGHUP, iisnode.yml changes) and the admin endpoint.
 * See docs/recycling.md.
 */
import type { RecyclerOptions } from './config.ts';
import { Recycler } from './recycler.ts';

export type { RecycleRecord, RecycleStatus, RecyclerOptions, ReloadReport } from './config.ts';
export { startTimeout } from './config.ts';
export { Recycler, type RecycleRequest } from './recycler.ts';
export { controlSocketPath } from './control-socket-path.ts';
export { openControlSocket, type ControlSocket } from './control-socket.ts';
export { isRecycleMessage, CONTROL_MESSAGE_MAX } from './control-message.ts';
export { waitForReady, type ReadyResult } from './wait-for-ready.ts';
export { retireRuntime } from './retire-runtime.ts';
export { appChanged, hostChanges } from './config-diff.ts';

/** Creates the host's recycler over its live list of runtimes; call `start()` once the host listens. */
export function createRecycler(options: RecyclerOptions): Recycler {
  return new Recycler(options);
}
