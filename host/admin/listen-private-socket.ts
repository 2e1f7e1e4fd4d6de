import { chmod } from 'node:fs/promises';
import type { Server } from 'node:net';

/**
 * Listens on a Unix socket path and makes it owner-only (0600): the admin endpoint and the control sockets accept
 * commands, so only the host's user may connect. Rejects with the listen error (EADDRINUSE, EACCES, …).
 */
export async function listenPrivateSocket(server: Server, socketPath: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await chmod(socketPath, 0o600);
}
