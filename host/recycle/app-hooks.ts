import type { AppConfig } from '../config/farm-config.ts';
import type { Logger } from '../server/logger.ts';
import { createFileWatcher, type FileWatcher, type WatchChange } from '../watch/index.ts';
import { controlSocketPath } from './control-socket-path.ts';
import { openControlSocket, type ControlSocket } from './control-socket.ts';

/** What watches one app for recycle triggers: its file watcher and its control socket. */
export interface AppHooks {
  watcher: FileWatcher | undefined;
  /** The settings the watcher was built from; a change rebuilds it. */
  watchKey: string;
  control: Promise<ControlSocket | undefined> | undefined;
}

/** Builds, rebuilds or drops the app's file watcher to match its current watch settings. */
export function syncWatcher(
  hooks: AppHooks, app: AppConfig,
  o: { enabled: boolean; debounce: number | undefined; log: Logger; onChange: (changes: readonly WatchChange[]) => void },
): void {
  const s = app.settings;
  const key = o.enabled ? JSON.stringify([app.dir, s.watchedFiles, s.uncFileChangesPollingInterval]) : '';
  if (key === hooks.watchKey) return;
  hooks.watcher?.close();
  hooks.watcher = undefined;
  hooks.watchKey = key;
  if (key === '') return;
  hooks.watcher = createFileWatcher({
    watchedFiles: s.watchedFiles, baseDir: app.dir, pollInterval: s.uncFileChangesPollingInterval, debounce: o.debounce,
    onChange: o.onChange,
    // Polling is worth knowing about (it costs a stat per entry per interval); skipped entries only at debug.
    onNotice: (n) => (n.kind === 'polling' ? o.log.info : o.log.debug)(`watchedFiles: ${n.kind}`, { app: app.name, entry: n.text, reason: n.reason }),
  });
}

/** Opens or closes the app's control socket to match `recycleSignalEnabled`. A failure is logged, not thrown. */
export async function syncControlSocket(
  hooks: AppHooks, app: AppConfig, socketDir: string, log: Logger, onRecycle: () => void,
): Promise<void> {
  const want = app.settings.recycleSignalEnabled;
  if (want === (hooks.control !== undefined)) return;
  if (!want) {
    const old = hooks.control;
    hooks.control = undefined;
    await old?.then((c) => c?.close());
    return;
  }
  const path = controlSocketPath(socketDir, app.name);
  hooks.control = openControlSocket(path, app.name, onRecycle, log).catch((err: unknown) => {
    log.error('control socket failed; recycle signals are off for this app', { app: app.name, path, error: String(err) });
    return undefined;
  });
  await hooks.control;
}

/** Stops watching and closes the control socket. */
export async function closeHooks(hooks: AppHooks): Promise<void> {
  hooks.watcher?.close();
  hooks.watcher = undefined;
  const control = hooks.control;
  hooks.control = undefined;
  await control?.then((c) => c?.close());
}
