import type { LogCaptureOptions } from './config.ts';
import { LogFolder, type LogFolderStats } from './log-folder.ts';
import type { LogStreamType } from './log-file-name.ts';
import { LogStreamWriter, type LogWriteStats } from './log-stream-writer.ts';
import { TailBuffer } from './tail-buffer.ts';

/** A process whose piped stdout/stderr the capture reads (a worker). */
export interface CaptureSource {
  readonly pid: number;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
}

/** The kept end of one worker's stderr. */
export interface StderrTail {
  readonly pid: number;
  /** True once the worker's stderr has ended (the process exited). */
  readonly exited: boolean;
  readonly text: string;
}

/** Counters of one capture, for the status page and tests. */
export interface LogCaptureStats extends LogWriteStats, LogFolderStats {
  /** Streams currently being read. */
  openStreams: number;
}

interface Tracked {
  readonly tail: TailBuffer;
  exited: boolean;
}

/**
 * Reads the stdout and stderr pipes of an app's workers. With logging enabled both go to files in the log
 * folder (see {@link LogStreamWriter}); without, stdout is read and discarded so the worker never blocks on a
 * full pipe. Either way the last `tailBytes` of each worker's stderr stay in memory, for live workers and
 * for the last `keepExitedTails` exited ones.
 */
export class LogCapture {
  readonly options: LogCaptureOptions;
  readonly #folder: LogFolder;
  readonly #writeStats: LogWriteStats = { bytesWritten: 0, bytesDropped: 0, chunksDropped: 0, filesCreated: 0, writeErrors: 0 };
  readonly #tails = new Map<number, Tracked>();
  readonly #writers = new Set<LogStreamWriter>();
  readonly #reported = new Set<string>();
  #closed = false;

  constructor(options: LogCaptureOptions) {
    this.options = options;
    this.#folder = new LogFolder(options.dir, options.maxTotalSize, options.maxFiles, (what, err) => this.#report(what, err));
  }

  /** The absolute log folder. */
  get dir(): string {
    return this.options.dir;
  }

  /** Starts reading a worker's streams; they are followed until they end. */
  attach(source: CaptureSource): void {
    const { pid } = source;
    const tracked: Tracked = { tail: new TailBuffer(this.options.tailBytes), exited: false };
    if (pid > 0) this.#tails.set(pid, tracked);
    this.#follow(source.stdout, pid, 'stdout', null);
    this.#follow(source.stderr, pid, 'stderr', tracked);
  }

  /** The last bytes (at most `tailBytes`) a worker wrote to stderr, or undefined for an unknown pid. */
  stderrTail(pid: number): string | undefined {
    return this.#tails.get(pid)?.tail.text();
  }

  /** Stderr tails of live workers and of the most recently exited ones, most recent first. */
  stderrTails(): StderrTail[] {
    return [...this.#tails].reverse().map(([pid, t]) => ({ pid, exited: t.exited, text: t.tail.text() }));
  }

  stats(): LogCaptureStats {
    return { ...this.#writeStats, ...this.#folder.stats, openStreams: this.#writers.size };
  }

  /** Writes everything still queued and closes the files. Output arriving later is counted as dropped. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#writers].map((w) => w.close()));
  }

  #follow(stream: NodeJS.ReadableStream | null, pid: number, type: LogStreamType, tracked: Tracked | null): void {
    if (!stream) return;
    stream.on('error', () => {}); // a pipe error ends the stream; the worker's exit is reported elsewhere
    const writer = this.options.enabled && !this.#closed && pid > 0
      ? new LogStreamWriter({
        folder: this.#folder, server: this.options.serverName, pid, type,
        maxFileSize: this.options.maxFileSize, maxBuffered: this.options.maxBufferedBytes,
        stats: this.#writeStats, onError: (what, err) => this.#report(what, err),
      })
      : undefined;
    if (writer) this.#writers.add(writer);
    stream.on('data', (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      tracked?.tail.push(bytes);
      writer?.write(bytes);
    });
    stream.once('end', () => {
      if (tracked) this.#retire(pid, tracked);
      if (writer) void writer.close().then(() => this.#writers.delete(writer));
    });
    stream.once('close', () => {
      if (tracked) this.#retire(pid, tracked);
      if (writer) void writer.close().then(() => this.#writers.delete(writer));
    });
  }

  /** Marks a tail as exited and forgets the oldest exited ones beyond `keepExitedTails`. */
  #retire(pid: number, tracked: Tracked): void {
    if (tracked.exited) return;
    tracked.exited = true;
    // Re-insert so that map order is "most recently exited last" among exited tails.
    this.#tails.delete(pid);
    this.#tails.set(pid, tracked);
    const exited = [...this.#tails].filter(([, t]) => t.exited);
    for (const [oldPid] of exited.slice(0, Math.max(0, exited.length - this.options.keepExitedTails))) {
      this.#tails.delete(oldPid);
    }
  }

  /** One warning per kind of problem (operation + errno), so a full disk does not flood the host's log. */
  #report(what: string, err: NodeJS.ErrnoException): void {
    const key = `${what}:${err.code ?? err.message}`;
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    this.options.log?.warn('log folder problem', {
      dir: this.options.dir, operation: what, problem: err.code ?? err.message,
      hint: 'worker output is being dropped; check that logDirectory is writable and has free space (docs/logs.md)',
    });
  }
}
