/** What the proxy needs to know about one worker process. */
export interface WorkerTarget {
  /** Stable id for logs and pool keys. */
  readonly id: string;
  /** The Unix socket (the worker's PORT) the worker listens on. */
  readonly socketPath: string;
  /** Process id of the worker, reported in outcomes. */
  readonly pid: number;
  /** True once the process has exited: connect retries stop at once (500.1002). */
  hasExited(): boolean;
}
