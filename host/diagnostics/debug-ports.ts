import { createServer } from 'node:net';

/** Parses `start[-end]` (already validated by the config loader); iisnode's default range on nonsense. */
export function parsePortRange(text: string): { start: number; end: number } {
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
  const start = m ? Number(m[1]) : 5058;
  const end = m?.[2] ? Number(m[2]) : start;
  if (!(start >= 1025 && end <= 65535 && end >= start)) return { start: 5058, end: 6058 };
  return { start, end };
}

/** True when 127.0.0.1:`port` can be listened on right now. */
export function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Hands out inspector ports from one range, round robin like iisnode (the first port after the last one
 * used that can be listened on). Workers are spawned synchronously, so a checked port is kept ready in
 * advance and replaced in the background after each `take()`; when none is ready (several spawns at
 * once) the next port is handed out unchecked, and a busy one only costs that worker its inspector.
 */
export class DebugPortAllocator {
  readonly start: number;
  readonly end: number;
  #last: number;
  readonly #ready: number[] = [];
  #filling: Promise<void> | undefined;

  constructor(range: string) {
    const r = parsePortRange(range);
    this.start = r.start;
    this.end = r.end;
    this.#last = r.end;
  }

  /** Makes sure `count` checked ports are ready. */
  async prepare(count = 1): Promise<void> {
    while (this.#ready.length < count) {
      const before = this.#ready.length;
      await this.#fill();
      if (this.#ready.length === before) return; // the whole range is busy
    }
  }

  /** The next port for a worker; never blocks. */
  take(): number {
    const port = this.#ready.shift() ?? this.#advance();
    void this.#fill();
    return port;
  }

  #advance(): number {
    this.#last = this.#last >= this.end ? this.start : this.#last + 1;
    return this.#last;
  }

  #fill(): Promise<void> {
    this.#filling ??= (async () => {
      try {
        const size = this.end - this.start + 1;
        for (let i = 0; i < Math.min(size, 64); i++) {
          const port = this.#advance();
          if (this.#ready.includes(port)) continue;
          if (await canListen(port)) {
            this.#ready.push(port);
            return;
          }
        }
      } finally {
        this.#filling = undefined;
      }
    })();
    return this.#filling;
  }
}
