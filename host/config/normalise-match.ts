/** A normalised value or why the input cannot be one. */
export type Normalised<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/**
 * Normalises a URL path prefix so that equal prefixes compare equal: a leading `/`, no repeated or
 * trailing slashes (except the root `/`). Case is kept because URL paths are case-sensitive. Dot segments,
 * query strings and fragments are refused: a prefix is matched against the request path only.
 */
export function normalisePathPrefix(text: string): Normalised<string> {
  const trimmed = text.trim();
  if (/[?#\s]/.test(trimmed)) return { ok: false, problem: `invalid path prefix '${text}': no spaces, '?' or '#' allowed` };
  const segments = trimmed.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..')) {
    return { ok: false, problem: `invalid path prefix '${text}': '.' and '..' segments are not allowed` };
  }
  return { ok: true, value: `/${segments.join('/')}` };
}

/**
 * Normalises a Host-header pattern: lower case, no trailing dot; an optional `:port` is kept. A leading
 * `*.` (any subdomain) is allowed; how it matches is the dispatcher's business.
 */
export function normaliseHost(text: string): Normalised<string> {
  const value = text.trim().toLowerCase().replace(/\.(?=:\d+$|$)/, '');
  if (!/^(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/.test(value) && !/^\[[0-9a-f:.]+\](:\d{1,5})?$/.test(value)) {
    return { ok: false, problem: `invalid host '${text}': expected a host name such as example.com, *.example.com or example.com:8080` };
  }
  return { ok: true, value };
}

/** Whether two apps would receive the same requests: same prefix and an overlapping host list. */
export function sameRoute(
  a: { readonly pathPrefix: string; readonly hosts: readonly string[] },
  b: { readonly pathPrefix: string; readonly hosts: readonly string[] },
): boolean {
  if (a.pathPrefix !== b.pathPrefix) return false;
  if (a.hosts.length === 0 || b.hosts.length === 0) return a.hosts.length === b.hosts.length;
  return a.hosts.some((h) => b.hosts.includes(h));
}
