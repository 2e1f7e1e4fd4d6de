/**
 * `nodefarm status [--admin-socket path] [--json]`: asks a running host for its apps and workers and prints
 * them as a table like passenger-status (or the raw JSON). Without --admin-socket it uses
 * $NODEFARM_ADMIN_SOCKET, else the one live host found under the temp folder.
 */
import { chooseAdminSocket } from '../admin/admin-client.ts';
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
  const choice = await chooseAdminSocket(socket, 'status');
  if (!choice.ok) {
    process.stderr.write(choice.message);
    return 1;
  }
  socket = choice.socket;
  const result = await fetchStatus(socket);
  if (!result.ok) {
    process.stderr.write(`nodefarm status: cannot read the status from ${socket}: ${result.error}\n` +
      '  Is the host running? Check the path against the host\'s "host listening" log line.\n');
    return 1;
  }
  process.stdout.write(json ? `${JSON.stringify(result.status, null, 2)}\n` : formatStatus(result.status));
  return 0;
}
