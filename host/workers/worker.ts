import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkerTarget } from '../proxy/worker-target.ts';
import { waitForSocket } from './probe-socket.ts';

/** Life of one worker process. `draining` = taking no new requests while its active ones finish. */
export type WorkerState = 'starting' | 'ready' | 'draining' | 'exited';

/** How a worker ended. `reason` is a short human sentence for status output and logs. */
export interface WorkerExit {
  readonly code: number | null;
  readonly signal: string | null;
  readonly reason: string;
  /** True when the host asked it to stop (not a crash). */
  readonly expected: boolean;
  readonly uptime: number;
}

/** What is needed to start one worker process. */
export interface WorkerSpawnSpec {
  readonly slot: number;
  readonly appName: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Environment without PORT; the worker adds its own socket path. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly socketDir: string;
  readonly pipeOutput: boolean;
  /** Argv put before the command (`chrt --batch 0`, see scheduling.ts); it execs the command, so the pid is the worker's. */
  readonly launcher?: readonly string[];
}

const STDERR_TAIL = 2048;
let sequence = 0;

/**
 * One worker process of an app: spawned with a fresh Unix socket in PORT, probed until it accepts
 * connections, counted (active, processed) by the dispatcher, and stopped gracefully on request.
 */
export class Worker implements WorkerTarget {
  readonly id: string;
  readonly slot: number;
  readonly socketPath: string;
  readonly startedAt = Date.now();
  state: WorkerState = 'starting';
  /** Requests (and open upgrades) currently held by this worker; maintained by the dispatcher. */
  active = 0;
  /** Of `active`, the open upgrades (WebSockets): they hold a slot against the cap but are not queued work. */
  upgrades = 0;
  /** When the worker last went from no request to one (performance.now()); maintained by the dispatcher. */
  busySince = 0;
  /** Time it has had at least one request (upgrades aside) in flight, ms, up to the last time it went idle. */
  busyMs = 0;
  /** Requests finished on this worker. */
  processed = 0;
  exit: WorkerExit | undefined;
  readonly exited: Promise<WorkerExit>;
  readonly #child: ChildProcess;
  #stopRequested = false;
  #processGone = false;
  #stderrTail = '';
  #onReady: (() => void) | undefined;
  #resolveExited!: (exit: WorkerExit) => void;

  constructor(spec: WorkerSpawnSpec, onReady?: () => void) {
    this.slot = spec.slot;
    this.id = `${spec.appName}#${spec.slot}.${++sequence}`;
    this.socketPath = join(spec.socketDir, `${randomBytes(6).toString('hex')}.sock`);
    this.#onReady = onReady;
    this.exited = new Promise((resolve) => (this.#resolveExited = resolve));
    const stdio = ['pipe', spec.pipeOutput ? 'pipe' : 'ignore', spec.pipeOutput ? 'pipe' : 'ignore'] as const;
    const launcher = spec.launcher ?? [];
    const [command, args] = launcher.length ? [launcher[0]!, [...launcher.slice(1), spec.command, ...spec.args]] : [spec.command, spec.args];
    this.#child = spawn(command, args, {
      cwd: spec.cwd,
      env: { ...spec.env, PORT: this.socketPath },
      stdio: [...stdio],
      // Own process group: a terminal's Ctrl-C (SIGINT to the foreground group) reaches only the host, which
      // then drains requests before stopping the workers itself.
      detached: true,
    });
    this.#child.stdin?.on('error', () => {}); // the worker may close its stdin; nothing to report
    this.#child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderrTail = (this.#stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    this.#child.once('error', (err: NodeJS.ErrnoException) => {
      // Only a failed spawn has no pid; other 'error' events (kill failures) are followed by 'exit'.
      if (this.#child.pid === undefined) this.#finish(null, null, `could not start ${spec.command}: ${err.code ?? err.message}`);
    });
    // 'close' comes after the last stderr bytes (kept for the exit reason); the timer covers a grandchild
    // that inherited the pipes and keeps them open.
    this.#child.once('exit', (code, signal) => {
      this.#processGone = true;
      const timer = setTimeout(() => this.#finish(code, signal, undefined), 200);
      this.#child.once('close', () => {
        clearTimeout(timer);
        this.#finish(code, signal, undefined);
      });
    });
    if (this.#child.pid !== undefined) void this.#probe();
  }

  get pid(): number {
    return this.#child.pid ?? 0;
  }

  /** stdout/stderr of the process when output is piped. */
  get stdout(): NodeJS.ReadableStream | null {
    return this.#child.stdout;
  }

  get stderr(): NodeJS.ReadableStream | null {
    return this.#child.stderr;
  }

  /** The last 2 KB it wrote to stderr; undefined when its output is not piped to the host. */
  get stderrTail(): string | undefined {
    return this.#child.stderr ? this.#stderrTail : undefined;
  }

  hasExited(): boolean {
    return this.#processGone || this.state === 'exited';
  }

  /** True while the dispatcher may hand it new requests (requests may arrive before it listens). */
  get accepting(): boolean {
    return (this.state === 'starting' || this.state === 'ready') && !this.#processGone;
  }

  /**
   * Stops taking requests, waits up to `drainMs` for active ones, then SIGTERM, then SIGKILL after `killMs`.
   * Idempotent; resolves when the process is gone.
   */
  stop(drainMs: number, killMs: number): Promise<WorkerExit> {
    if (this.state === 'exited' || this.#stopRequested) return this.exited;
    this.#stopRequested = true;
    this.state = 'draining';
    void (async () => {
      const drainEnd = Date.now() + drainMs;
      while (this.active > 0 && Date.now() < drainEnd && this.state !== 'exited') {
        await new Promise((resolve) => setTimeout(resolve, Math.min(50, drainEnd - Date.now())));
      }
      if (this.state === 'exited') return;
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), killMs);
      timer.unref();
      void this.exited.then(() => clearTimeout(timer));
    })();
    return this.exited;
  }

  /** Immediate SIGKILL, for the host's own exit path. */
  killNow(): void {
    if (this.state !== 'exited') this.#child.kill('SIGKILL');
  }

  async #probe(): Promise<void> {
    const ok = await waitForSocket(this.socketPath, () => this.state !== 'starting' || this.#processGone);
    if (ok && this.state === 'starting') {
      this.state = 'ready';
      this.#onReady?.();
    }
  }

  #finish(code: number | null, signal: NodeJS.Signals | null, failure: string | undefined): void {
    if (this.state === 'exited') return;
    this.state = 'exited';
    this.#processGone = true;
    const uptime = Date.now() - this.startedAt;
    const tail = summariseStderr(this.#stderrTail);
    const reason = failure
      ?? (this.#stopRequested ? 'stopped by the host'
        : signal ? `killed by ${signal}` : `exited with code ${code}`) + (!this.#stopRequested && tail ? `: ${tail}` : '');
    this.exit = Object.freeze({ code, signal, reason, expected: this.#stopRequested, uptime });
    this.#onReady = undefined;
    try {
      rmSync(this.socketPath, { force: true });
    } catch {
      // A socket left behind in the host's socket folder is harmless; the folder is removed at shutdown.
    }
    this.#resolveExited(this.exit);
  }
}

/**
 * The most telling line of a dying worker's last stderr output: the last `SomethingError: message` line
 * (Node prints the stack after it), else the last line that is not Node's version banner.
 */
export function summariseStderr(tail: string): string {
  const lines = tail.split('\n').map((l) => l.trim()).filter((l) => l && !/^Node\.js v\d/.test(l));
  const error = lines.findLast((l) => /^[A-Za-z_$][\w$.]*(Error|Exception)\b.*:/.test(l) || /^(Uncaught|Error)\b/.test(l));
  return (error ?? lines.at(-1) ?? '').slice(0, 300);
}
