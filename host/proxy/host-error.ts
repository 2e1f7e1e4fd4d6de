import { STATUS_CODES } from '../node-http.ts';
import type { Duplex } from 'node:stream';
import { lookupStatus } from '../status-codes.ts';
import type { HostErrorInfo, ProxyOptions, RenderedError } from './config.ts';
import type { ProxyResponse } from './exchange-types.ts';

/** The default host error body: `<status>.<substatus> <name>`, plain text. */
export function renderPlainError(info: HostErrorInfo): RenderedError {
  const name = lookupStatus(info.status, info.substatus)?.name ?? STATUS_CODES[info.status] ?? 'error';
  return { contentType: 'text/plain; charset=utf-8', body: `${info.status}.${info.substatus} ${name}\n` };
}

/** Renders with the configured renderer; a renderer that throws falls back to the plain body (never crash). */
function render(opts: ProxyOptions, info: HostErrorInfo): { status: number; headers: string[]; body: Buffer } {
  let rendered: RenderedError;
  try {
    rendered = opts.renderError ? opts.renderError(info) : renderPlainError(info);
  } catch {
    rendered = renderPlainError(info);
  }
  const body = typeof rendered.body === 'string' ? Buffer.from(rendered.body) : rendered.body;
  const headers = ['Content-Type', rendered.contentType, 'Content-Length', String(body.length),
    'Cache-Control', 'no-cache', ...(rendered.headers ?? [])];
  const status = rendered.status ?? info.status;
  try {
    opts.decorateResponseHeaders?.(headers, {
      status, substatus: info.substatus, hostError: true, retries: info.retries, connectMs: 0,
      target: info.target, req: info.req,
    });
  } catch {
    // A faulty decorator must not turn an error response into a crash.
  }
  return { status, headers, body };
}

/** Writes a host error response on a ServerResponse whose head has not been sent. */
export function sendHostError(res: ProxyResponse, opts: ProxyOptions, info: HostErrorInfo): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  const { status, headers, body } = render(opts, info);
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  try {
    res.writeHead(status, STATUS_CODES[status] ?? 'Error', headers);
  } catch {
    res.writeHead(status, ['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(body.length)]);
  }
  res.end(body);
}

/** Writes a host error response directly on an upgrade request's raw socket, then closes it. */
export function sendRawHostError(socket: Duplex, opts: ProxyOptions, info: HostErrorInfo): void {
  if (socket.destroyed || !socket.writable) return;
  const { status, headers, body } = render(opts, info);
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n`;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const value = headers[i + 1]!;
    // Values come from our own renderer and decorator; still refuse CR/LF so nothing can split the head.
    if (!/[\r\n]/.test(headers[i]!) && !/[\r\n]/.test(value)) head += `${headers[i]!}: ${value}\r\n`;
  }
  socket.end(Buffer.concat([Buffer.from(`${head}Connection: close\r\n\r\n`, 'latin1'), body]));
}
