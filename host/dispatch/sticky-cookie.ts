/** iisnode's affinity cookie name. */
export const STICKY_COOKIE = 'iisnode.session.cookie';

/**
 * Reads the worker index from a Cookie header the way iisnode does: the text after the `=` that follows
 * `iisnode.session.cookie`, up to `;`, as a non-negative integer of at most 9 digits. -1 when absent or invalid.
 */
export function readStickyIndex(cookieHeader: string | undefined): number {
  if (!cookieHeader) return -1;
  const at = cookieHeader.indexOf(STICKY_COOKIE);
  if (at < 0) return -1;
  const eq = cookieHeader.indexOf('=', at + STICKY_COOKIE.length);
  if (eq < 0) return -1;
  let end = cookieHeader.indexOf(';', eq);
  if (end < 0) end = cookieHeader.length;
  const text = cookieHeader.slice(eq + 1, end).trim();
  if (text.length === 0 || text.length >= 10 || !/^\d+$/.test(text)) return -1;
  return Number(text);
}

/** The Set-Cookie value that pins a client to worker slot `index` (no attributes, as iisnode sends it). */
export function stickyCookieValue(index: number): string {
  return `${STICKY_COOKIE}=${index}`;
}
