import type { AppRuntime } from './app-runtime.ts';

interface Route {
  readonly prefix: string;
  /** Lower-case host names without port; null = any host. */
  readonly hosts: ReadonlySet<string> | null;
  readonly runtime: AppRuntime;
}

/**
 * Maps a request to its app: the longest matching path prefix wins, and at equal length an app that names the
 * request's host beats one that accepts any host. A prefix matches whole path segments only
 * (`/api` matches `/api`, `/api/x` and `/api?q`, not `/apix`).
 */
export class RouteTable {
  readonly #routes: readonly Route[];
  /** Set when one app takes every request: the common `nodefarm serve app.js` case skips matching. */
  readonly #only: AppRuntime | undefined;

  constructor(runtimes: readonly AppRuntime[]) {
    this.#routes = runtimes
      .map((runtime) => ({
        prefix: runtime.app.match.pathPrefix || '/',
        hosts: runtime.app.match.hosts.length ? new Set(runtime.app.match.hosts.map((h) => h.toLowerCase())) : null,
        runtime,
      }))
      .sort((a, b) => b.prefix.length - a.prefix.length || (a.hosts ? 0 : 1) - (b.hosts ? 0 : 1));
    const first = this.#routes[0];
    this.#only = this.#routes.length === 1 && first && first.prefix === '/' && !first.hosts ? first.runtime : undefined;
  }

  match(hostHeader: string | undefined, url: string | undefined): AppRuntime | undefined {
    if (this.#only) return this.#only;
    const host = hostName(hostHeader);
    const path = url ?? '/';
    for (const route of this.#routes) {
      if (route.hosts && !route.hosts.has(host)) continue;
      if (prefixMatches(route.prefix, path)) return route.runtime;
    }
    return undefined;
  }
}

function prefixMatches(prefix: string, path: string): boolean {
  if (prefix === '/') return true;
  if (!path.startsWith(prefix)) return false;
  if (path.length === prefix.length || prefix.endsWith('/')) return true;
  const next = path[prefix.length];
  return next === '/' || next === '?';
}

/** The host name of a Host header, lower-cased, without port; IPv6 literals keep their brackets. */
export function hostName(header: string | undefined): string {
  if (!header) return '';
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 0 ? h.slice(0, end + 1) : h;
  }
  const colon = h.indexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}
