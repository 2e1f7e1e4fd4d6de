import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogFolder } from './log-folder.ts';
import { logFileName, type LogStreamType } from './log-file-name.ts';

/** Counters shared by every stream of one capture. */
export interface LogWriteStats {
  bytesWritten: number;
  /** Output thrown away because the disk did not keep up (or could not be written at all). */
  bytesDropped: number;
  chunksDropped: number;
  filesCreated: number;
  writeErrors: number;
}

/** Where a run of dropped output was; written into the file as a notice line at that position. */
interface DropMark {
  bytes: number;
}

type Item = Buffer | DropMark;

// Bytes written in one call at most; a pipe read is at most 64 KB, so this merges a few of them.
const MAX_BATCH = 256 * 1024;

/**
 * Writes one stream (stdout or stderr) of one worker to its log files: lazily creates the first file,
 * rolls over to a new file once the current one is larger than `maxFileSize` (checked before each pipe
 * read is written, so a file can exceed it by one read, as in iisnode), and never lets more than
 * `maxBuffered` bytes wait for the disk: beyond it output is dropped, counted, and a notice line is written
 * where it was lost.
 */
export class LogStreamWriter {
  readonly type: LogStreamType;
  readonly #folder: LogFolder;
  readonly #server: string;
  readonly #pid: number;
  readonly #maxFileSize: number;
  readonly #maxBuffered: number;
  readonly #stats: LogWriteStats;
  readonly #onError: (what: string, err: NodeJS.ErrnoException) => void;
  readonly #queue: Item[] = [];
  #queued = 0;
  #file: string | undefined;
  #handle: FileHandle | undefined;
  #size = 0;
  #lastCreated = 0;
  #pump: Promise<void> | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: {
    folder: LogFolder; server: string; pid: number; type: LogStreamType; maxFileSize: number; maxBuffered: number;
    stats: LogWriteStats; onError: (what: string, err: NodeJS.ErrnoException) => void;
  }) {
    this.#folder = options.folder;
    this.#server = options.server;
    this.#pid = options.pid;
    this.type = options.type;
    this.#maxFileSize = options.maxFileSize;
    this.#maxBuffered = options.maxBuffered;
    this.#stats = options.stats;
    this.#onError = options.onError;
  }

  /** The file being written, if any. */
  get file(): string | undefined {
    return this.#file;
  }

  /** Queues a chunk, or drops it when too much is already waiting. Never blocks. */
  write(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.#closed || this.#queued + chunk.length > this.#maxBuffered) {
      this.#drop(chunk.length);
      return;
    }
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    this.#kick();
  }

  /** Writes what is queued, then closes the file. Idempotent: every caller waits for the same close. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    while (this.#pump) await this.#pump;
    if (this.#handle) {
      const handle = this.#handle;
      this.#handle = undefined;
      await handle.close().catch(() => {});
      if (this.#file) this.#folder.active.delete(this.#file);
      await this.#folder.maintain();
    }
  }

  #drop(bytes: number): void {
    this.#stats.bytesDropped += bytes;
    this.#stats.chunksDropped++;
    if (this.#closed) return; // the stream ended; nothing more goes to the file
    const last = this.#queue.at(-1);
    if (last && !Buffer.isBuffer(last)) last.bytes += bytes;
    else this.#queue.push({ bytes });
    this.#kick();
  }

  /** Starts the write loop unless it runs; restarts it if items arrived just as it finished. */
  #kick(): void {
    if (this.#pump) return;
    this.#pump = this.#run().finally(() => {
      this.#pump = undefined;
      if (this.#queue.length > 0) this.#kick();
    });
  }

  async #run(): Promise<void> {
    while (this.#queue.length > 0) {
      const taken = this.#takeBatch();
      if (!taken) continue;
      const { batch, dataBytes } = taken;
      try {
        if (!this.#handle || this.#size > this.#maxFileSize) await this.#rollOver();
        await this.#handle!.write(batch);
        this.#size += batch.length;
        this.#stats.bytesWritten += batch.length;
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        this.#stats.writeErrors++;
        this.#stats.bytesDropped += batch.length;
        // The folder was removed under us: create it again on the next write.
        if (e.code === 'ENOENT') this.#folder.forget();
        this.#onError('write', e);
      }
      // Counted as waiting until written, so that maxBuffered bounds everything held in memory.
      this.#queued -= dataBytes;
    }
  }

  /**
   * Takes queued chunks for one write: the first always, further ones while the file would still be within
   * its limit before each of them — the same files as writing them one by one with iisnode's check.
   */
  #takeBatch(): { batch: Buffer; dataBytes: number } | undefined {
    const parts: Buffer[] = [];
    let length = 0;
    let dataBytes = 0;
    let size = this.#handle ? this.#size : 0;
    if (this.#handle && size > this.#maxFileSize) size = 0; // rolls over before this write
    while (this.#queue.length > 0 && length < MAX_BATCH) {
      if (parts.length > 0 && size > this.#maxFileSize) break;
      const item = this.#queue[0]!;
      const part = Buffer.isBuffer(item) ? item : dropNotice(item.bytes);
      this.#queue.shift();
      if (Buffer.isBuffer(item)) dataBytes += item.length;
      parts.push(part);
      length += part.length;
      size += part.length;
    }
    if (parts.length === 0) return undefined;
    return { batch: parts.length === 1 ? parts[0]! : Buffer.concat(parts, length), dataBytes };
  }

  async #rollOver(): Promise<void> {
    if (this.#handle) {
      const handle = this.#handle;
      this.#handle = undefined;
      await handle.close().catch(() => {});
      if (this.#file) this.#folder.active.delete(this.#file);
    }
    // Far ahead of the purge (maxLogFiles files since it scanned): wait for it, so that a burst on a slow disk
    // holds at most about twice maxLogFiles files, not as many as the writer can create meanwhile.
    if (this.#folder.behind) await this.#folder.maintain();
    // Names must be new even when two files start within the same millisecond.
    const created = Math.max(Date.now(), this.#lastCreated + 1);
    const file = logFileName(this.#server, this.#pid, this.type, created);
    await this.#folder.ensure();
    const handle = await open(join(this.#folder.dir, file), 'a', 0o640);
    this.#lastCreated = created;
    this.#file = file;
    this.#handle = handle;
    this.#size = 0;
    this.#stats.filesCreated++;
    this.#folder.active.add(file);
    this.#folder.noteCreated();
    // Purged in the background: waiting for a folder scan on every rollover made a fast writer drop far
    // more output. Runs are merged, so in a burst the folder can hold a few files more than maxLogFiles
    // until the run in progress ends (at most about twice as many: see `behind` above).
    void this.#folder.maintain();
  }
}

function dropNotice(bytes: number): Buffer {
  return Buffer.from(`\n[nodefarm] ${bytes} bytes of output were dropped here: the log folder did not keep up.\n`);
}
