import type { Duplex } from 'node:stream';
import { STATUS_CODES } from '../node-http.ts';
import type { ProxyResponse, RenderedError } from '../proxy/index.ts';
import { lookupStatus } from '../status-codes.ts';

/** Body of a host-generated answer: `<status>.<substatus> <name>`, the same form the proxy uses. */
export function hostErrorBody(status: number, substatus: number): string {
  const name = lookupStatus(status, substatus)?.name ?? STATUS_CODES[status] ?? 'error';
  return `${status}.${substatus} ${name}\n`;
}

/**
 * Answers a request the host could not route or dispatch (404, 503.x), with the plain body or `rendered`
 * (a developer error page, see host/diagnostics).
 */
export function sendHostError(res: ProxyResponse, status: number, substatus: number, rendered?: RenderedError): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const body = rendered?.body ?? hostErrorBody(status, substatus);
  const extra = rendered?.headers ?? [];
  const headers: string[] = ['content-type', rendered?.contentType ?? 'text/plain; charset=utf-8',
    'content-length', String(Buffer.byteLength(body)), 'cache-control', 'no-cache', ...extra];
  res.writeHead(rendered?.status ?? status, headers);
  res.end(body);
}

/** Answers an Upgrade request the host could not route or dispatch, then closes the socket. */
export function sendUpgradeError(socket: Duplex, status: number, substatus: number): void {
  if (socket.destroyed) return;
  const body = hostErrorBody(status, substatus);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
