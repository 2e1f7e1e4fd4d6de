import type { WorkerConnection } from './worker-connection.ts';

/**
 * Idle keep-alive connections of one worker: a LIFO stack (the most recently used connection is the one most
 * likely still alive and warm), at most `maxSize` entries, entries idle longer than `maxAgeMs` (or than the
 * worker's own keep-alive timeout, minus a margin) closed instead of reused.
 */
export class ConnectionPool {
  private readonly stack: WorkerConnection[] = [];
  private readonly maxSize: number;
  private readonly maxAgeMs: number;
  private readonly dropIdle = (conn: WorkerConnection): void => {
    const i = this.stack.lastIndexOf(conn);
    if (i >= 0) this.stack.splice(i, 1);
  };

  constructor(maxSize: number, maxAgeMs: number) {
    this.maxSize = maxSize;
    this.maxAgeMs = maxAgeMs;
  }

  get size(): number {
    return this.stack.length;
  }

  /** Pops the newest live connection younger than the age limits; closes the stale ones on the way. */
  take(now: number): WorkerConnection | undefined {
    let conn = this.stack.pop();
    while (conn) {
      conn.onIdleDeath = null;
      const age = now - conn.idleSince;
      if (!conn.dead && !conn.socket.destroyed && age < this.maxAgeMs && age < conn.keepAliveMs) return conn;
      conn.kill();
      conn = this.stack.pop();
    }
    return undefined;
  }

  /** Returns a connection after a complete exchange; closes it when the pool is full. */
  give(conn: WorkerConnection, now: number): void {
    if (conn.dead || this.stack.length >= this.maxSize) {
      conn.kill();
      return;
    }
    conn.user = null;
    conn.idleSince = now;
    conn.onIdleDeath = this.dropIdle;
    this.stack.push(conn);
  }

  /** Closes every idle connection. */
  clear(): void {
    const all = this.stack.splice(0);
    for (const conn of all) {
      conn.onIdleDeath = null;
      conn.kill();
    }
  }
}
