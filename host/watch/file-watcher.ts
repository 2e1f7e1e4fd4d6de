import fs from 'node:fs';
import { watchDefaults, type FileWatcherOptions, type WatchChange, type WatchEntry } from './config.ts';
import { fingerprint, MISSING } from './fingerprint.ts';
import { isNetworkFileSystem } from './network-file-system.ts';
import { parseWatchedFiles } from './parse-watched-files.ts';

/** One watched folder: its entries, their last fingerprints, and how changes are noticed. */
interface Folder {
  readonly path: string;
  readonly entries: readonly WatchEntry[];
  readonly stamps: Map<WatchEntry, string>;
  watcher: fs.FSWatcher | undefined;
  poll: NodeJS.Timeout | undefined;
  debounce: NodeJS.Timeout | undefined;
  firstEventAt: number;
}

/**
 * Watches the files of one app's `watchedFiles`: one non-recursive fs.watch (inotify) per folder, or polling
 * every `pollInterval` ms where notifications do not work (network file systems, watch limits reached). An
 * event only schedules a re-check of its folder; the re-check compares fingerprints, so noise (atime,
 * unrelated files) never reports a change and a burst of events reports once.
 */
export class FileWatcher {
  readonly entries: readonly WatchEntry[];
  readonly #options: FileWatcherOptions;
  readonly #folders: Folder[] = [];
  readonly #debounce: number;
  readonly #maxDelay: number;
  #closed = false;

  constructor(options: FileWatcherOptions) {
    this.#options = options;
    this.#debounce = options.debounce ?? watchDefaults.debounce;
    this.#maxDelay = options.maxDelay ?? watchDefaults.maxDelay;
    const parsed = parseWatchedFiles(options.watchedFiles, options.baseDir);
    this.entries = parsed.entries;
    for (const notice of parsed.ignored) options.onNotice?.(notice);
    const byFolder = new Map<string, WatchEntry[]>();
    for (const e of parsed.entries) byFolder.set(e.folder, [...(byFolder.get(e.folder) ?? []), e]);
    for (const [path, entries] of byFolder) this.#watchFolder(path, entries);
  }

  /** Folders being watched (existing ones only), for status and tests. */
  get folders(): readonly string[] {
    return this.#folders.map((f) => f.path);
  }

  /** Re-checks every folder now (used after a missed notification is suspected, and by tests). */
  rescan(): void {
    for (const folder of this.#folders) this.#check(folder);
  }

  /** Stops every watch and timer. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const f of this.#folders) {
      f.watcher?.close();
      clearInterval(f.poll);
      clearTimeout(f.debounce);
    }
  }

  #watchFolder(path: string, entries: WatchEntry[]): void {
    try {
      if (!fs.statSync(path).isDirectory()) throw new Error('not a folder');
    } catch {
      // iisnode test 121: an entry in a folder that does not exist is harmless and never watched.
      for (const e of entries) this.#options.onNotice?.({ kind: 'missing-folder', text: e.text, reason: `folder ${path} does not exist` });
      return;
    }
    const folder: Folder = {
      path, entries, stamps: new Map(entries.map((e) => [e, fingerprint(e)])),
      watcher: undefined, poll: undefined, debounce: undefined, firstEventAt: 0,
    };
    this.#folders.push(folder);
    if (this.#options.forcePolling) {
      this.#startPolling(folder, 'polling requested');
      return;
    }
    if (isNetworkFileSystem(path)) {
      this.#startPolling(folder, 'network file system: change notifications do not cover other machines');
      return;
    }
    try {
      folder.watcher = fs.watch(path, { persistent: false }, () => this.#schedule(folder));
      folder.watcher.on('error', (err) => {
        folder.watcher?.close();
        folder.watcher = undefined;
        this.#startPolling(folder, `watch failed: ${err.message}`);
      });
    } catch (err) {
      this.#startPolling(folder, `watch failed: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }

  #startPolling(folder: Folder, reason: string): void {
    if (this.#closed || folder.poll) return;
    this.#options.onNotice?.({ kind: 'polling', text: folder.path, reason });
    folder.poll = setInterval(() => this.#check(folder), this.#options.pollInterval);
    folder.poll.unref();
  }

  #schedule(folder: Folder): void {
    if (this.#closed) return;
    const now = Date.now();
    if (!folder.debounce) folder.firstEventAt = now;
    clearTimeout(folder.debounce);
    const wait = Math.max(0, Math.min(this.#debounce, folder.firstEventAt + this.#maxDelay - now));
    folder.debounce = setTimeout(() => {
      folder.debounce = undefined;
      this.#check(folder);
    }, wait);
    folder.debounce.unref();
  }

  #check(folder: Folder): void {
    if (this.#closed) return;
    const changes: WatchChange[] = [];
    for (const entry of folder.entries) {
      const before = folder.stamps.get(entry) ?? MISSING;
      const now = fingerprint(entry);
      if (now === before) continue;
      folder.stamps.set(entry, now);
      changes.push({ entry, kind: before === MISSING ? 'created' : now === MISSING ? 'deleted' : 'changed' });
    }
    if (changes.length > 0) this.#options.onChange(changes);
  }
}
