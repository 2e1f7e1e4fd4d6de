import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** How the kernel schedules an app's workers (`nodeProcessSchedulingPolicy`). */
export type SchedulingPolicy = 'batch' | 'normal';

/** The result of resolving a policy: the argv prefix that starts a worker under it, or why it cannot. */
export type Launcher =
  | { readonly prefix: readonly string[] }
  | { readonly prefix: readonly []; readonly unavailable: string };

const probed = new Map<string, Launcher>();

/**
 * The argv prefix that starts a worker under `policy`. `batch` is Linux's SCHED_BATCH, set by util-linux's
 * `chrt --batch 0`, which then execs the worker (same pid). A batch task keeps its nice level and CPU share but
 * does not preempt the running task when it wakes: a worker woken by the request the host just wrote waits
 * for the host to finish its turn instead of taking its core, so the host hands over requests in batches and
 * each wake-up of a worker serves several. `chrt` is looked up on `PATH` and tried once per process (a
 * container may forbid the call); without it workers run under the normal policy and `unavailable` says why.
 */
export function schedulingLauncher(policy: SchedulingPolicy, pathVar = process.env.PATH): Launcher {
  // Elsewhere the setting has no meaning (docs/host.md); the default must not make every host there warn.
  if (policy === 'normal' || process.platform !== 'linux') return { prefix: [] };
  const key = pathVar ?? '';
  let launcher = probed.get(key);
  if (!launcher) {
    launcher = probe(pathVar);
    probed.set(key, launcher);
  }
  return launcher;
}

function probe(pathVar: string | undefined): Launcher {
  const chrt = findExecutable('chrt', pathVar);
  if (!chrt) return { prefix: [], unavailable: 'chrt (util-linux) is not on PATH' };
  const prefix = [chrt, '--batch', '0'];
  // chrt runs itself as the command: the probe needs nothing else on the machine.
  const tried = spawnSync(chrt, [...prefix.slice(1), chrt, '--version'], { stdio: 'ignore', timeout: 10_000 });
  if (tried.error || tried.status !== 0) {
    return { prefix: [], unavailable: `'${prefix.join(' ')}' failed here (${tried.error?.message ?? `exit code ${tried.status}`})` };
  }
  return { prefix };
}

/**
 * The file `command` names, as `execvp` would find it: a path with a slash is taken relative to `cwd`, a bare
 * name is searched on `pathVar`; undefined when there is no executable file. Used to leave a missing command to
 * the plain spawn, whose ENOENT names it, rather than to a launcher that would fail with an exit code.
 */
export function findExecutable(command: string, pathVar: string | undefined, cwd = process.cwd()): string | undefined {
  if (command.includes('/')) {
    const file = resolve(cwd, command);
    return isExecutableFile(file) ? file : undefined;
  }
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, command);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
