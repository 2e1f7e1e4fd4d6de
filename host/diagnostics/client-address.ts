import type { ProxyRequest } from '../proxy/index.ts';
import type { TLSSocket } from 'node:tls';

/**
 * The client's IP as text. An IPv4 client reaching a dual-stack listener shows as `::ffff:a.b.c.d`; the
 * IPv4 form is what proxies and apps expect in X-Forwarded-For, so the prefix is dropped.
 */
export function clientIp(req: ProxyRequest): string {
  const ip = req.socket.remoteAddress ?? '';
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/** True when the client connection is TLS (the front server speaks HTTPS). */
export function isTls(req: ProxyRequest): boolean {
  return (req.socket as Partial<TLSSocket>).encrypted === true;
}
