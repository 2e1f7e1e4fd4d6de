import { readFileSync } from 'node:fs';

/** Memory of one process, KB, in the two figures iisnode reports. */
export interface ProcessMemory {
  /** Resident set (iisnode: working set). */
  readonly wsKb: number;
  /** Private anonymous memory, resident plus swapped (iisnode: pagefile usage, the private commit). */
  readonly privateKb: number;
}

/** Reads /proc/<pid>/status; undefined when the process is gone or the file is unreadable. */
export function readProcessMemory(pid: number): ProcessMemory | undefined {
  if (!(pid > 0)) return undefined;
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch {
    return undefined;
  }
  const field = (name: string): number => {
    const at = text.indexOf(`\n${name}:`);
    if (at < 0) return 0;
    const m = /^\s*(\d+)/.exec(text.slice(at + name.length + 2, at + name.length + 40));
    return m ? Number(m[1]) : 0;
  };
  return { wsKb: field('VmRSS'), privateKb: field('RssAnon') + field('VmSwap') };
}

/**
 * Memory figures cached per pid for `ttlMs`: the debug header is built on every response, and reading /proc
 * once a second per process keeps that cost flat however busy the app is. At most `maxEntries` pids are
 * remembered (the cache is cleared when full; exited workers are not tracked otherwise).
 */
export class MemorySampler {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #read: (pid: number) => ProcessMemory | undefined;
  readonly #cache = new Map<number, { at: number; value: ProcessMemory | undefined }>();

  constructor(ttlMs = 1000, maxEntries = 256, read: (pid: number) => ProcessMemory | undefined = readProcessMemory) {
    this.#ttlMs = ttlMs;
    this.#maxEntries = maxEntries;
    this.#read = read;
  }

  /** The figures of `pid`, at most `ttlMs` old. */
  get(pid: number, now = Date.now()): ProcessMemory | undefined {
    const hit = this.#cache.get(pid);
    if (hit && now - hit.at < this.#ttlMs) return hit.value;
    const value = this.#read(pid);
    if (!hit && this.#cache.size >= this.#maxEntries) this.#cache.clear();
    this.#cache.set(pid, { at: now, value });
    return value;
  }
}
