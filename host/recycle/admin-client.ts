import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
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
