import { request } from 'node:http';
import type { HostStatus } from './status-snapshot.ts';

/** Result of asking a running host for its status. */
export type FetchStatusResult =
  | { readonly ok: true; readonly status: HostStatus }
  | { readonly ok: false; readonly error: string };

/** GET /status over the admin socket; failures (no host, wrong socket, timeout) are values. */
export function fetchStatus(socketPath: string, timeoutMs = 5000): Promise<FetchStatusResult> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/status', method: 'GET', timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) {
          resolve({ ok: false, error: `admin endpoint answered ${res.statusCode}: ${text.trim()}` });
          return;
        }
        try {
          resolve({ ok: true, status: JSON.parse(text) as HostStatus });
        } catch {
          resolve({ ok: false, error: 'admin endpoint answered something that is not JSON' });
        }
      });
      res.on('error', (err) => resolve({ ok: false, error: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, error: err.code ?? err.message }));
    req.end();
  });
}
