import type { ProxyOptions } from './config.ts';
import { ConnectionPool } from './connection-pool.ts';
import type { WorkerConnection } from './worker-connection.ts';
import type { WorkerTarget } from './worker-target.ts';

/** The pools of all targets, keyed by target id, plus connection counters. */
export class PoolRegistry {
  private readonly pools = new Map<string, ConnectionPool>();
  private readonly opts: ProxyOptions;
  /** After closeAll, connections are no longer kept (requests still in flight finish without pooling). */
  private closed = false;
  connectionsOpened = 0;
  connectionsReused = 0;

  constructor(opts: ProxyOptions) {
    this.opts = opts;
  }

  /** An idle connection to `target`, or undefined. */
  take(target: WorkerTarget, now: number): WorkerConnection | undefined {
    const conn = this.pools.get(target.id)?.take(now);
    if (conn) this.connectionsReused++;
    return conn;
  }

  /** Returns a reusable connection; closes it instead when the target has exited or pooling is off. */
  give(target: WorkerTarget, conn: WorkerConnection, now: number): void {
    if (this.closed || this.opts.maxNamedPipeConnectionPoolSize <= 0 || target.hasExited()) {
      conn.kill();
      return;
    }
    let pool = this.pools.get(target.id);
    if (!pool) {
      pool = new ConnectionPool(this.opts.maxNamedPipeConnectionPoolSize, this.opts.maxNamedPipePooledConnectionAge);
      this.pools.set(target.id, pool);
    }
    pool.give(conn, now);
  }

  closeTarget(targetId: string): void {
    const pool = this.pools.get(targetId);
    if (!pool) return;
    this.pools.delete(targetId);
    pool.clear();
  }

  closeAll(): void {
    this.closed = true;
    for (const pool of this.pools.values()) pool.clear();
    this.pools.clear();
  }

  stats(): { idle: Map<string, number>; connectionsOpened: number; connectionsReused: number } {
    const idle = new Map<string, number>();
    for (const [id, pool] of this.pools) idle.set(id, pool.size);
    return { idle, connectionsOpened: this.connectionsOpened, connectionsReused: this.connectionsReused };
  }
}
