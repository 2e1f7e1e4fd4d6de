import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/**
 * What the loader takes from the machine. Injectable so tests and reloads are deterministic; every field
 * defaults to the running process's view.
 */
export interface LoaderOptions {
  /** Environment for IISNODE_* overrides and `${VAR}` / `%VAR%` expansion. Default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Folder that relative command-line paths are resolved from. Default: process.cwd(). */
  readonly cwd?: string;
  /** CPUs behind `nodeProcessCountPerApplication: 0`. Default: os.availableParallelism(). */
  readonly cpuCount?: number;
  /** Default serverName. Default: os.hostname(). */
  readonly hostname?: string;
  /** Default socketDir (the runtime creates it). Default: a new unique name under the temp folder. */
  readonly socketDir?: string;
  /** False lets the port be absent (0), as `config print` needs; `serve` requires one. Default: true. */
  readonly requirePort?: boolean;
}

/** LoaderOptions with every field filled in. */
export type ResolvedLoaderOptions = Required<LoaderOptions>;

/** Host defaults that are not machine-dependent. */
export const hostDefaults = {
  /** Loopback: exposing the farm to the network is a deliberate `--host 0.0.0.0`. */
  listenAddress: '127.0.0.1',
  farmName: 'default',
  /** The admin socket lives in the socket folder unless configured. */
  adminSocketName: 'admin.sock',
} as const;

/** Fills in LoaderOptions from the running process. */
export function resolveLoaderOptions(options: LoaderOptions = {}): ResolvedLoaderOptions {
  return {
    env: options.env ?? process.env,
    cwd: options.cwd ?? process.cwd(),
    cpuCount: options.cpuCount ?? os.availableParallelism(),
    hostname: options.hostname ?? os.hostname(),
    socketDir: options.socketDir ?? defaultSocketDir(),
    requirePort: options.requirePort ?? true,
  };
}

// A name only: the runtime creates the folder (mode 0700) and removes it at shutdown. Short, because a Unix
// socket path must fit in 107 bytes.
function defaultSocketDir(): string {
  return path.join(os.tmpdir(), `nodefarm-${process.pid}-${randomBytes(3).toString('hex')}`);
}
