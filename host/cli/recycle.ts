/**
 * `nodefarm recycle <app> [--admin-socket path] [--no-wait] [--timeout ms]`: asks a running host to recycle
 * one app (new workers first, old ones drain; see docs/recycling.md) and, unless --no-wait, waits for the
 * outcome. Without --admin-socket it uses $NODEFARM_ADMIN_SOCKET, else the one live host under the temp folder.
 */
import type { HostStatus } from '../admin/index.ts';
import { adminRequest, chooseAdminSocket } from '../admin/admin-client.ts';

const USAGE = 'usage: nodefarm recycle <app> [--admin-socket <path>] [--no-wait] [--timeout <ms>]\n';

/** Exit codes: 0 recycled (or accepted with --no-wait), 1 failed / no host / no such app, 2 bad arguments. */
export async function run(args: string[]): Promise<number> {
  let socket: string | undefined;
  let app: string | undefined;
  let wait = true;
  let timeoutMs = 120_000;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--no-wait') wait = false;
    else if (arg === '--admin-socket' && args[i + 1] !== undefined) socket = args[++i];
    else if (arg.startsWith('--admin-socket=')) socket = arg.slice('--admin-socket='.length);
    else if (arg === '--timeout' && /^\d+$/.test(args[i + 1] ?? '')) timeoutMs = Number(args[++i]);
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      return 0;
    } else if (!arg.startsWith('-') && app === undefined) app = arg;
    else return usage(`unknown argument '${arg}'`);
  }
  if (app === undefined) return usage('name the app to recycle');
  const choice = await chooseAdminSocket(socket, 'recycle');
  if (!choice.ok) {
    process.stderr.write(choice.message);
    return 1;
  }
  socket = choice.socket;
  const askedAt = Date.now();
  const reply = await adminRequest(socket, 'POST', `/apps/${encodeURIComponent(app)}/recycle`);
  if (!reply.ok) {
    process.stderr.write(`nodefarm recycle: cannot reach the host at ${socket}: ${reply.error}\n  Is the host running? Check the path against its "host listening" log line.\n`);
    return 1;
  }
  if (reply.status === 404) {
    process.stderr.write(`nodefarm recycle: the host runs no app named '${app}'\n  \`nodefarm status\` lists the apps.\n`);
    return 1;
  }
  if (reply.status !== 202) {
    process.stderr.write(`nodefarm recycle: the host answered ${reply.status}: ${reply.body.trim()}\n`);
    return 1;
  }
  if (!wait) {
    process.stdout.write(`recycle of ${app} started\n`);
    return 0;
  }
  return waitForOutcome(socket, app, askedAt, timeoutMs);
}

/** Polls the status until a recycle of `app` that started after `since` has finished. */
async function waitForOutcome(socket: string, app: string, since: number, timeoutMs: number): Promise<number> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const reply = await adminRequest(socket, 'GET', '/status');
    if (!reply.ok || reply.status !== 200) continue;
    const status = JSON.parse(reply.body) as HostStatus;
    const entry = status.apps.find((a) => a.name === app);
    const last = entry?.recycle?.last;
    if (!entry?.recycle) {
      process.stdout.write(`recycle of ${app} started (this host does not report recycle outcomes)\n`);
      return 0;
    }
    if (!last || last.startedAt < since || last.outcome === 'in-progress') continue;
    if (last.outcome === 'recycled') {
      const pids = entry.workers.map((w) => w.pid).filter((p) => p !== null).join(', ');
      process.stdout.write(`recycled ${app} in ${(last.finishedAt ?? Date.now()) - last.startedAt} ms; workers now: ${pids}\n`);
      return 0;
    }
    process.stderr.write(`nodefarm recycle: recycling ${app} failed; the old workers keep serving: ${last.error ?? 'unknown error'}\n`);
    return 1;
  }
  process.stderr.write(`nodefarm recycle: no outcome for ${app} within ${timeoutMs} ms; see \`nodefarm status\`\n`);
  return 1;
}

function usage(problem: string): number {
  process.stderr.write(`nodefarm recycle: ${problem}\n${USAGE}`);
  return 2;
}
