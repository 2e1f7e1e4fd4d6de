/**
 * `nodefarm status [--admin-socket path] [--json]`: asks a running host for its apps and workers and prints
 * them as a table like passenger-status (or the raw JSON). Without --admin-socket it uses
 * $NODEFARM_ADMIN_SOCKET, else the one live host found under the temp folder.
 */
import { connect } from 'node:net';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchStatus, formatStatus } from '../admin/index.ts';

const USAGE = 'usage: nodefarm status [--admin-socket <path>] [--json]\n';

/** Runs the command; 0 on success, 1 when no host answers, 2 on bad arguments. */
export async function run(args: string[]): Promise<number> {
  let socket: string | undefined;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--json') json = true;
    else if (arg === '--admin-socket' && args[i + 1] !== undefined) socket = args[++i];
    else if (arg.startsWith('--admin-socket=')) socket = arg.slice('--admin-socket='.length);
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      return 0;
    } else {
      process.stderr.write(`nodefarm status: unknown argument '${arg}'\n${USAGE}`);
      return 2;
    }
  }
  socket ??= process.env.NODEFARM_ADMIN_SOCKET || undefined;
  if (!socket) {
    const found = await findLiveSockets();
    if (found.length !== 1) {
      process.stderr.write(found.length === 0
        ? 'nodefarm status: no running host found under the temp folder\n  Pass --admin-socket <path> (the path is in the host\'s "host listening" log line).\n'
        : `nodefarm status: several hosts are running; pick one with --admin-socket:\n${found.map((f) => `  ${f}\n`).join('')}`);
      return 1;
    }
    socket = found[0] as string;
  }
  const result = await fetchStatus(socket);
  if (!result.ok) {
    process.stderr.write(`nodefarm status: cannot read the status from ${socket}: ${result.error}\n` +
      '  Is the host running? Check the path against the host\'s "host listening" log line.\n');
    return 1;
  }
  process.stdout.write(json ? `${JSON.stringify(result.status, null, 2)}\n` : formatStatus(result.status));
  return 0;
}

/** Admin sockets of running hosts with the default socket folder (`<tmp>/nodefarm-*\/admin.sock`). */
async function findLiveSockets(): Promise<string[]> {
  const dir = tmpdir();
  const names = await readdir(dir).catch(() => [] as string[]);
  const candidates = names.filter((n) => n.startsWith('nodefarm-')).map((n) => join(dir, n, 'admin.sock'));
  const alive = await Promise.all(candidates.map((path) => new Promise<boolean>((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  })));
  return candidates.filter((_, i) => alive[i]);
}
