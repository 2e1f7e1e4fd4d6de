import { readdir } from 'node:fs/promises';
import { request } from '../node-http.ts';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An answer of the admin endpoint, or why there was none. */
export type AdminReply =
  | { readonly ok: true; readonly status: number; readonly body: string }
  | { readonly ok: false; readonly error: string };

/** One request to the admin endpoint over its Unix socket; failures are values. */
export function adminRequest(socketPath: string, method: string, path: string, timeoutMs = 5000): Promise<AdminReply> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path, method, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ ok: true, status: res.statusCode ?? 0, body }));
      res.on('error', (err) => resolve({ ok: false, error: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, error: err.code ?? err.message }));
    req.end();
  });
}

/** Admin sockets of running hosts that use the default socket folder (`<tmp>/nodefarm-*\/admin.sock`). */
export async function findLiveAdminSockets(): Promise<string[]> {
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

/** The admin socket a command talks to, or the message that says why there is none. */
export type AdminSocketChoice = { readonly ok: true; readonly socket: string } | { readonly ok: false; readonly message: string };

/**
 * The socket given with --admin-socket, else $NODEFARM_ADMIN_SOCKET, else the one live host found under the temp
 * folder (hosts with the default socket folder). `command` names the command in the messages.
 */
export async function chooseAdminSocket(given: string | undefined, command: string): Promise<AdminSocketChoice> {
  const socket = given ?? (process.env.NODEFARM_ADMIN_SOCKET || undefined);
  if (socket) return { ok: true, socket };
  const found = await findLiveAdminSockets();
  if (found.length === 1) return { ok: true, socket: found[0] as string };
  return {
    ok: false,
    message: found.length === 0
      ? `nodefarm ${command}: no running host found under the temp folder\n  Pass --admin-socket <path> (the path is in the host's "host listening" log line).\n`
      : `nodefarm ${command}: several hosts are running; pick one with --admin-socket:\n${found.map((f) => `  ${f}\n`).join('')}`,
  };
}
