import { createHash } from 'node:crypto';
import path from 'node:path';

/** Unix socket paths must fit in sun_path (108 bytes with the terminating NUL). */
const MAX_SOCKET_PATH = 107;

/**
 * The control socket of app `appName` (given to its workers as IISNODE_CONTROL_PIPE). Stable for the life of
 * the host, so workers of every generation talk to the same socket; a hash replaces long app names.
 */
export function controlSocketPath(socketDir: string, appName: string): string {
  const plain = path.join(socketDir, `control-${appName}.sock`);
  if (Buffer.byteLength(plain) <= MAX_SOCKET_PATH) return plain;
  return path.join(socketDir, `control-${createHash('sha256').update(appName).digest('hex').slice(0, 12)}.sock`);
}
