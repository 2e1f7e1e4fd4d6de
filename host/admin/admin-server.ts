import type { Server } from 'node:http';
import { createServer } from '../node-http.ts';
import { connect } from 'node:net';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { HostStatus } from './status-snapshot.ts';
import { listenPrivateSocket } from './listen-private-socket.ts';

/**
 * The local-only admin endpoint: HTTP on a Unix socket (mode 0600, so only the host's user can read it).
 * `GET /status` answers the host status as JSON; `POST /apps/<name>/recycle` replaces an app's workers.
 * Nothing here is reachable over the network.
 */
export async function startAdminServer(
  socketPath: string, status: () => Promise<HostStatus>, recycle?: (appName: string) => boolean,
): Promise<Server> {
  await mkdir(dirname(socketPath), { recursive: true });
  await removeStaleSocket(socketPath);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const recycleMatch = /^\/apps\/([^/]+)\/recycle$/.exec(path);
    if (req.method === 'POST' && recycleMatch && recycle) {
      const name = decodeURIComponent(recycleMatch[1] ?? '');
      const ok = recycle(name);
      res.writeHead(ok ? 202 : 404, { 'content-type': 'application/json' })
        .end(`${JSON.stringify(ok ? { recycling: name } : { error: `no app named ${name}` })}\n`);
      return;
    }
    if (req.method !== 'GET' || (path !== '/status' && path !== '/')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found; try GET /status"}\n');
      return;
    }
    status().then(
      (s) => res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(s)}\n`),
      (err: unknown) => res.writeHead(500, { 'content-type': 'application/json' }).end(`${JSON.stringify({ error: String(err) })}\n`),
    );
  });
  await listenPrivateSocket(server, socketPath);
  return server;
}

/** A socket file nobody listens on (left by a killed host) is removed; a live one is left alone. */
async function removeStaleSocket(socketPath: string): Promise<void> {
  const alive = await new Promise<boolean>((resolve) => {
    const s = connect(socketPath);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
  if (!alive) await rm(socketPath, { force: true });
}
