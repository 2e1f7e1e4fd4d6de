import { performance } from 'node:perf_hooks';

// Read once: `performance.timeOrigin` is a getter that calls into the runtime on every read.
const timeOrigin = performance.timeOrigin;

/** A `performance.now()` value as Unix epoch ms (fractional). */
export function epochMs(perfNow: number): number {
  return timeOrigin + perfNow;
}

/** Unix epoch ms (fractional) as a decimal string of nanoseconds, exact to the microsecond. */
export function epochNanos(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.round((ms - whole) * 1000);
  return (BigInt(whole) * 1_000_000n + BigInt(micros) * 1000n).toString();
}
