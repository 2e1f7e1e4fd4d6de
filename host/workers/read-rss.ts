import { readFile } from 'node:fs/promises';

/** Resident set size of a process in bytes, from /proc/<pid>/status; undefined when it is gone or unreadable. */
export async function readRss(pid: number): Promise<number | undefined> {
  if (!(pid > 0)) return undefined;
  try {
    const text = await readFile(`/proc/${pid}/status`, 'latin1');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
    return match?.[1] ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
