import type { ProxyRequest } from './exchange-types.ts';
import { isHeaderName } from '../http-syntax.ts';

/**
 * Request headers that describe one connection hop, not the request. They are dropped and replaced by the
 * host's own (`Connection: keep-alive`, or `Connection: Upgrade` + `Upgrade` for upgrades). `Expect` is dropped
 * because the front server has already answered `100 Continue` to the client. `Transfer-Encoding` is kept:
 * the body is re-framed with the same final coding (chunked), so the worker sees what the client sent.
 */
const dropped = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'expect',
  'http2-settings']);

/** Extra header names listed in the client's Connection header (RFC 9110 7.6.1), lowercased; null when none. */
function connectionTokens(req: ProxyRequest): Set<string> | null {
  const value = req.headers.connection;
  if (!value || (!value.includes(',') && /^\s*(keep-alive|close|upgrade)\s*$/i.test(value))) return null;
  const tokens = new Set<string>();
  for (const t of value.split(',')) {
    const name = t.trim().toLowerCase();
    if (name && name !== 'keep-alive' && name !== 'close' && name !== 'upgrade') tokens.add(name);
  }
  return tokens.size ? tokens : null;
}

/**
 * Serialises the request line and headers for the worker: HTTP/1.1 always (the worker connection is a
 * keep-alive HTTP/1.1 connection whatever the client spoke), header names and values as received, repeated
 * headers and empty values kept, in arrival order.
 */
export function buildRequestHead(req: ProxyRequest, upgrade: boolean,
  rewrite?: (req: ProxyRequest, rawHeaders: string[]) => string[], traceHeaders?: (req: ProxyRequest) => string): string {
  let raw = req.rawHeaders;
  if (rewrite) {
    try {
      raw = rewrite(req, raw.slice());
    } catch {
      raw = req.rawHeaders; // a faulty hook must not fail the request
    }
  }
  const extra = connectionTokens(req);
  let head = `${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1\r\n`;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (dropped.has(lower) || extra?.has(lower)) continue;
    if (traceHeaders && (lower === 'traceparent' || lower === 'tracestate')) continue; // replaced below
    const value = raw[i + 1]!;
    // Node's parser guarantees clean names and values; a rewrite hook's output is checked here.
    if (rewrite && (!isHeaderName(name) || /[\r\n\0]/.test(value))) continue;
    head += `${name}: ${value}\r\n`;
  }
  // HTTP/1.0 clients may omit Host; the worker gets HTTP/1.1, where Host is mandatory (node answers 400).
  if (req.headers.host === undefined) head += `Host: ${hostOf(req)}\r\n`;
  if (traceHeaders) {
    try {
      head += traceHeaders(req);
    } catch {
      // A faulty hook must not fail the request; the worker then starts its own trace.
    }
  }
  if (upgrade) head += `Connection: Upgrade\r\nUpgrade: ${req.headers.upgrade ?? ''}\r\n\r\n`;
  else head += 'Connection: keep-alive\r\n\r\n';
  return head;
}

/** How the request body is framed towards the worker. */
export type BodyFraming = 'none' | 'length' | 'chunked';

/** Node's parser has already validated the framing; this only reads its result. */
export function requestBodyFraming(req: ProxyRequest): BodyFraming {
  if (req.headers['transfer-encoding'] !== undefined) return 'chunked';
  const cl = req.headers['content-length'];
  return cl !== undefined && cl !== '0' ? 'length' : 'none';
}

/** The address the client connected to, as a Host value. */
function hostOf(req: ProxyRequest): string {
  const address = req.socket.localAddress ?? 'localhost';
  const host = address.includes(':') ? `[${address}]` : address;
  return req.socket.localPort ? `${host}:${req.socket.localPort}` : host;
}
