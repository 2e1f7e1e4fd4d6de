import type { ProxyRequest } from '../proxy/index.ts';
import { isHeaderName } from '../http-syntax.ts';
import { clientIp, isTls } from './client-address.ts';

type Reader = (req: ProxyRequest) => string;

const pathOf = (req: ProxyRequest): string => {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q >= 0 ? url.slice(0, q) : url;
};

/** The host name of the Host header without its port (IIS's SERVER_NAME); the local address without one. */
const serverName = (req: ProxyRequest): string => {
  const host = req.headers.host;
  if (!host) return req.socket.localAddress ?? '';
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1) || host;
  const colon = host.indexOf(':');
  return colon >= 0 ? host.slice(0, colon) : host;
};

/**
 * The IIS server variables that have a meaning here, with IIS's value formats. nodefarm does no
 * authentication, so the user variables are empty, which is what IIS reports for anonymous requests.
 */
export const serverVariables: ReadonlyMap<string, Reader> = new Map<string, Reader>([
  ['REMOTE_ADDR', clientIp],
  ['REMOTE_HOST', clientIp],
  ['REMOTE_PORT', (req) => String(req.socket.remotePort ?? '')],
  ['LOCAL_ADDR', (req) => req.socket.localAddress ?? ''],
  ['SERVER_NAME', serverName],
  ['SERVER_PORT', (req) => String(req.socket.localPort ?? '')],
  ['SERVER_PORT_SECURE', (req) => (isTls(req) ? '1' : '0')],
  ['HTTPS', (req) => (isTls(req) ? 'on' : 'off')],
  ['SERVER_PROTOCOL', (req) => `HTTP/${req.httpVersion}`],
  ['SERVER_SOFTWARE', () => 'nodefarm'],
  ['REQUEST_METHOD', (req) => req.method ?? ''],
  ['URL', pathOf],
  ['PATH_INFO', pathOf],
  ['QUERY_STRING', (req) => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    return q >= 0 ? url.slice(q + 1) : '';
  }],
  ['HTTP_URL', (req) => req.url ?? '/'],
  ['HTTP_HOST', (req) => req.headers.host ?? ''],
  ['CONTENT_LENGTH', (req) => req.headers['content-length'] ?? ''],
  ['CONTENT_TYPE', (req) => req.headers['content-type'] ?? ''],
  ['AUTH_TYPE', () => ''],
  ['AUTH_USER', () => ''],
  ['LOGON_USER', () => ''],
  ['REMOTE_USER', () => ''],
]);

/** One variable to promote: the header name (`X-iisnode-<name as configured>`) and how to read it. */
export interface PromotedVariable {
  readonly header: string;
  readonly read: Reader;
}

/** Parses promoteServerVars (comma-separated, names case-insensitive): the known ones and the unknown names. */
export function parsePromoteServerVars(setting: string): { promoted: PromotedVariable[]; unknown: string[] } {
  const promoted: PromotedVariable[] = [];
  const unknown: string[] = [];
  const seen = new Set<string>();
  for (const item of setting.split(',')) {
    const name = item.trim();
    if (!name) continue;
    const upper = name.toUpperCase();
    const read = serverVariables.get(upper);
    if (!read) unknown.push(name);
    else if (!seen.has(upper) && isHeaderName(name)) {
      seen.add(upper);
      promoted.push({ header: `X-iisnode-${name}`, read });
    }
  }
  return { promoted, unknown };
}

/**
 * Appends the promoted variables to a flat [name, value, …] header list (values with CR/LF/NUL are skipped).
 * A header of the same name sent by the client is removed first, so the app can trust what it reads.
 */
export function applyPromotedVariables(req: ProxyRequest, raw: string[], promoted: readonly PromotedVariable[],
  names: ReadonlySet<string>): void {
  for (let i = raw.length - 2; i >= 0; i -= 2) {
    const name = raw[i]!;
    if (name.length > 10 && names.has(name.toLowerCase())) raw.splice(i, 2);
  }
  for (const v of promoted) {
    const value = v.read(req);
    if (!/[\r\n\0]/.test(value)) raw.push(v.header, value);
  }
}
