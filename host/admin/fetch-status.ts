import { adminRequest } from './admin-client.ts';
import type { HostStatus } from './status-snapshot.ts';

/** Result of asking a running host for its status. */
export type FetchStatusResult =
  | { readonly ok: true; readonly status: HostStatus }
  | { readonly ok: false; readonly error: string };

/** GET /status over the admin socket; failures (no host, wrong socket, timeout) are values. */
export async function fetchStatus(socketPath: string, timeoutMs = 5000): Promise<FetchStatusResult> {
  const reply = await adminRequest(socketPath, 'GET', '/status', timeoutMs);
  if (!reply.ok) return reply;
  if (reply.status !== 200) return { ok: false, error: `admin endpoint answered ${reply.status}: ${reply.body.trim()}` };
  try {
    return { ok: true, status: JSON.parse(reply.body) as HostStatus };
  } catch {
    return { ok: false, error: 'admin endpoint answered something that is not JSON' };
  }
}
