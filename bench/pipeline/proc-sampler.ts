import { readFileSync } from 'node:fs';

/** What one process used: peak memory (KiB) and CPU seconds since the sampler started. */
export interface ProcUsage {
  readonly name: string;
  readonly pid: number;
  peakRssKb: number;
  peakAnonKb: number;
  /** CPU ticks (user + system) at the last sample; undefined once the process is gone. */
  ticks: number | undefined;
}

const TICKS_PER_SECOND = 100; // USER_HZ; 100 on every Linux ABI that Node supports

function statusKb(text: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

/** utime + stime of `pid` in clock ticks, from /proc/<pid>/stat (fields 14 and 15, after the `(comm)`). */
export function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** CPU seconds from a tick difference. */
export const ticksToSeconds = (ticks: number): number => ticks / TICKS_PER_SECOND;

/** Samples VmRSS/RssAnon peaks and CPU ticks of named processes every `everyMs` until `stop`. */
export function startProcSampler(pids: Readonly<Record<string, number>>, everyMs = 200): {
  readonly usage: readonly ProcUsage[];
  sample(): void;
  stop(): void;
} {
  const usage: ProcUsage[] = Object.entries(pids).filter(([, pid]) => pid > 0)
    .map(([name, pid]) => ({ name, pid, peakRssKb: 0, peakAnonKb: 0, ticks: cpuTicks(pid) }));
  const sample = (): void => {
    for (const u of usage) {
      try {
        const text = readFileSync(`/proc/${u.pid}/status`, 'utf8');
        u.peakRssKb = Math.max(u.peakRssKb, statusKb(text, 'VmRSS'));
        u.peakAnonKb = Math.max(u.peakAnonKb, statusKb(text, 'RssAnon'));
        u.ticks = cpuTicks(u.pid);
      } catch {
        u.ticks = undefined; // the process exited; its peaks stay
      }
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return { usage, sample, stop: () => clearInterval(timer) };
}

/** Machine-wide CPU: busy and total ticks over all cores (/proc/stat), and the CPU pressure stall time, µs. */
export interface MachineCpu {
  readonly busyTicks: number;
  readonly totalTicks: number;
  /** /proc/pressure/cpu "some" total: time in which at least one runnable task waited for a CPU. */
  readonly stallUs: number | undefined;
}

/** A snapshot of {@link MachineCpu}. */
export function machineCpu(): MachineCpu {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  let stallUs: number | undefined;
  try {
    const m = /^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    stallUs = m ? Number(m[1]) : undefined;
  } catch {
    stallUs = undefined; // kernels without PSI
  }
  return { busyTicks: total - idle, totalTicks: total, stallUs };
}
