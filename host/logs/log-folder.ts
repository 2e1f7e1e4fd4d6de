import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { INDEX_FILE, parseLogFileName, type LogFileInfo } from './log-file-name.ts';
import { purgePlan, type FolderFile } from './purge-plan.ts';
import { renderIndexHtml } from './render-index-html.ts';

const TEMP_PREFIX = `.${INDEX_FILE}.`;

/** Counters of one log folder. */
export interface LogFolderStats {
  filesPurged: number;
  indexWrites: number;
  /** Failed mkdir, purge or index writes (the folder is then left as it is). */
  errors: number;
}

/**
 * One log folder: created on first use, purged to its limits and re-indexed after every change to its set
 * of files. Maintenance runs one at a time; requests made while it runs are merged into one more run, so a
 * burst of rollovers costs at most two folder scans.
 */
export class LogFolder {
  readonly dir: string;
  readonly stats: LogFolderStats = { filesPurged: 0, indexWrites: 0, errors: 0 };
  /** Files being written right now: never purged. */
  readonly active = new Set<string>();
  readonly #maxTotalSize: number;
  readonly #maxFiles: number;
  readonly #onError: (what: string, err: NodeJS.ErrnoException) => void;
  #created: Promise<void> | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  /** Files created since the running (or last) maintenance run scanned the folder. */
  #createdSinceScan = 0;

  constructor(dir: string, maxTotalSize: number, maxFiles: number, onError: (what: string, err: NodeJS.ErrnoException) => void) {
    this.dir = dir;
    this.#maxTotalSize = maxTotalSize;
    this.#maxFiles = maxFiles;
    this.#onError = onError;
  }

  /** Creates the folder (recursively; concurrent creation by others is fine). A failure is retried next time. */
  ensure(): Promise<void> {
    this.#created ??= mkdir(this.dir, { recursive: true }).then(() => undefined, (err: unknown) => {
      this.#created = undefined;
      throw err;
    });
    return this.#created;
  }

  /** Forgets that the folder was created (it was removed by someone else). */
  forget(): void {
    this.#created = undefined;
  }

  /** Counts a file a writer just created. */
  noteCreated(): void {
    this.#createdSinceScan++;
  }

  /**
   * True when writers have created `maxFiles` or more files since the running purge scanned the folder: the
   * next new file should wait for it, so a burst never holds more than about twice `maxFiles` files.
   */
  get behind(): boolean {
    return this.#running !== undefined && this.#createdSinceScan >= this.#maxFiles;
  }

  /** Purges and rewrites index.html soon; resolves when a run that started after this call has finished. */
  maintain(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.#runOnce();
      } while (this.#again);
      this.#running = undefined;
    })();
    return this.#running;
  }

  async #runOnce(): Promise<void> {
    let files: FolderFile[];
    this.#createdSinceScan = 0;
    try {
      files = await this.#scan();
    } catch (err) {
      this.stats.errors++;
      this.#onError('scan', err as NodeJS.ErrnoException);
      return;
    }
    const doomed = new Set(purgePlan(files, this.#maxTotalSize, this.#maxFiles, this.active));
    for (const file of doomed) {
      // A file that cannot be deleted (gone already, permissions) is skipped, as iisnode does.
      await unlink(join(this.dir, file)).then(() => this.stats.filesPurged++, () => doomed.delete(file));
    }
    const logs = files
      .filter((f) => !doomed.has(f.file))
      .map((f) => parseLogFileName(f.file))
      .filter((f): f is LogFileInfo => f !== undefined);
    await this.#writeIndex(logs);
  }

  /** Every regular file except index.html and our own temporary index files (iisnode counts all the rest). */
  async #scan(): Promise<FolderFile[]> {
    const entries = await readdir(this.dir, { withFileTypes: true });
    const files: FolderFile[] = [];
    for (const entry of entries) {
      if (!entry.isFile() || entry.name === INDEX_FILE || entry.name.startsWith(TEMP_PREFIX)) continue;
      try {
        const st = await lstat(join(this.dir, entry.name));
        files.push({ file: entry.name, size: st.size, mtimeMs: st.mtimeMs });
      } catch {
        // Deleted between readdir and lstat (another host purging the same folder).
      }
    }
    return files;
  }

  /** Written to a temporary file and renamed, so a reader never sees half a page. */
  async #writeIndex(files: readonly LogFileInfo[]): Promise<void> {
    const temp = join(this.dir, `${TEMP_PREFIX}${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temp, renderIndexHtml(files, new Date()));
      await rename(temp, join(this.dir, INDEX_FILE));
      this.stats.indexWrites++;
    } catch (err) {
      this.stats.errors++;
      this.#onError('index', err as NodeJS.ErrnoException);
      await rm(temp, { force: true }).catch(() => {});
    }
  }
}
