import type { ProxyRequest } from '../proxy/index.ts';
import { clientIp, isTls } from './client-address.ts';

/**
 * iisnode's enableXFF rules on a flat [name, value, …] header list, edited in place:
 * - the first X-Forwarded-For gets `, <client ip>` appended, unless its last entry already is that IP;
 * - without one, `X-Forwarded-For: <client ip>` is added;
 * - without X-Forwarded-Proto, `X-Forwarded-Proto: https` (TLS front server) or `http` is added; an
 *   existing one is kept as the client sent it.
 * iisnode tests "already there" with a case-insensitive suffix compare, so a client 1.1.1.1 behind a
 * proxy that wrote `11.1.1.1` was never added; here the last comma-separated entry is compared whole.
 */
export function applyForwardedHeaders(req: ProxyRequest, raw: string[]): void {
  const ip = clientIp(req);
  let xff = -1;
  let xfp = -1;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length !== 15 && name.length !== 17) continue;
    const lower = name.toLowerCase();
    if (xff < 0 && lower === 'x-forwarded-for') xff = i;
    else if (xfp < 0 && lower === 'x-forwarded-proto') xfp = i;
  }
  if (xff >= 0) {
    const value = raw[xff + 1]!;
    if (!endsWithEntry(value, ip)) raw[xff + 1] = value.trim() === '' ? ip : `${value}, ${ip}`;
  } else raw.push('X-Forwarded-For', ip);
  if (xfp < 0) raw.push('X-Forwarded-Proto', isTls(req) ? 'https' : 'http');
}

/** True when the last comma-separated entry of `list` equals `ip` (case-insensitive, for IPv6). */
export function endsWithEntry(list: string, ip: string): boolean {
  const comma = list.lastIndexOf(',');
  return list.slice(comma + 1).trim().toLowerCase() === ip.toLowerCase();
}
