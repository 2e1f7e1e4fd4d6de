import type { AppConfig, HostSettings } from '../config/farm-config.ts';

/** True when running `b` instead of `a` needs new workers (anything but where values came from differs). */
export function appChanged(a: AppConfig, b: AppConfig): boolean {
  return comparable(a) !== comparable(b);
}

function comparable(app: AppConfig): string {
  const { name, script, dir, match, env, settings } = app;
  // Infinity (maxConcurrentRequestsPerProcess) must not collapse into null next to a real null.
  return JSON.stringify({ name, script, dir, match, env, settings }, (_k, v: unknown) => (v === Infinity ? 'Infinity' : v));
}

/** Host settings that differ between two configs; the front server and sockets only change on a restart. */
export function hostChanges(a: HostSettings, b: HostSettings): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof HostSettings>;
  return [...keys].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}
