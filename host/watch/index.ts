/**
 * File watching for recycles: iisnode's `watchedFiles` rules on Linux (fs.watch per folder, polling where
 * notifications do not work). See docs/recycling.md.
 *
 * ```ts
 * const watcher = createFileWatcher({ watchedFiles: '*.js;iisnode.yml', baseDir: app.dir, pollInterval: 5000,
 *   onChange: (changes) => recycle(app.name) });
 * watcher.close();
 * ```
 */
import type { FileWatcherOptions } from './config.ts';
import { FileWatcher } from './file-watcher.ts';

export type { FileWatcherOptions, WatchChange, WatchEntry, WatchNotice } from './config.ts';
export { watchDefaults } from './config.ts';
export { FileWatcher } from './file-watcher.ts';
export { parseWatchedFiles, type ParsedWatchedFiles } from './parse-watched-files.ts';
export { wildcardPattern } from './wildcard-pattern.ts';
export { fingerprint } from './fingerprint.ts';
export { isNetworkFileSystem } from './network-file-system.ts';

/** Starts watching at once; call `close()` to stop. */
export function createFileWatcher(options: FileWatcherOptions): FileWatcher {
  if (!Number.isFinite(options.pollInterval) || options.pollInterval < 1) {
    throw new RangeError(`pollInterval is invalid, expected a number >= 1, actual ${options.pollInterval}`);
  }
  return new FileWatcher(options);
}
