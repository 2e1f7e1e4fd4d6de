import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { NodefarmError } from '../../host/errors.ts';
import { LOCK_TABLE } from './migrations-table.ts';
import type { SqlExecutor } from './sql-executor.ts';
import { sqlString } from './sql-literal.ts';

/** How the migration lock behaves. */
export interface LockOptions {
  /** A held lock expires this long after it was taken or last renewed, so a killed migrator cannot block forever. */
  readonly ttlMs: number;
  /** How long to wait for another migrator before giving up with MIGRATE_LOCK_TIMEOUT. */
  readonly waitMs: number;
  /** Mean pause between attempts (randomised ±50 % so two racing migrators do not stay in step). */
  readonly pollMs: number;
}

/** A held lock. */
export interface MigrationLock {
  readonly owner: string;
  /** Pushes the expiry out by the TTL again; call before each long step. */
  renew(): Promise<void>;
  release(): Promise<void>;
}

/**
 * Takes the migration lock. ClickHouse has no transactions, so the lock is an append-only log of
 * `acquire`/`release` rows and expiries use the server's clock. An attempt inserts an `acquire` row and then
 * reads the live holders: it wins only if no *other* owner is live; otherwise it writes `release` and
 * retries after a random pause. Two attempts can never both win: an insert is visible to every read that
 * starts after it returned, so of two racing attempts the later reader always sees the other's row. Both may
 * back off, which the random pause resolves.
 */
export async function acquireLock(ex: SqlExecutor, options: LockOptions): Promise<MigrationLock> {
  const base = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const deadline = Date.now() + options.waitMs;
  for (let attempt = 1; ; attempt += 1) {
    const holders = await liveHolders(ex);
    if (holders.length === 0) {
      const owner = `${base}:${attempt}`;
      await insertAcquire(ex, owner, options.ttlMs);
      const others = (await liveHolders(ex)).filter((h) => h !== owner);
      if (others.length === 0) return heldLock(ex, owner, options.ttlMs);
      await insertRelease(ex, owner);
      holders.push(...others);
    }
    if (Date.now() >= deadline) {
      throw new NodefarmError('MIGRATE_LOCK_TIMEOUT', {
        database: ex.database, owner: holders[0] ?? 'unknown', seconds: Math.round(options.waitMs / 1000),
      });
    }
    await sleep(options.pollMs * (0.5 + Math.random()));
  }
}

function heldLock(ex: SqlExecutor, owner: string, ttlMs: number): MigrationLock {
  let released = false;
  return {
    owner,
    renew: () => insertAcquire(ex, owner, ttlMs),
    async release() {
      if (released) return;
      released = true;
      await insertRelease(ex, owner);
    },
  };
}

async function liveHolders(ex: SqlExecutor): Promise<string[]> {
  const rows = await ex.rows<{ owner: string }>(`SELECT owner FROM ${LOCK_TABLE} GROUP BY owner
    HAVING max(expires_ms) > toUInt64(now()) * 1000 AND sum(action = 'release') = 0`);
  return rows.map((r) => r.owner);
}

function insertAcquire(ex: SqlExecutor, owner: string, ttlMs: number): Promise<void> {
  return ex.command(`INSERT INTO ${LOCK_TABLE} (owner, action, at_ms, expires_ms)
    SELECT ${sqlString(owner)}, 'acquire', toUInt64(now()) * 1000, toUInt64(now()) * 1000 + ${Math.round(ttlMs)}`);
}

function insertRelease(ex: SqlExecutor, owner: string): Promise<void> {
  return ex.command(`INSERT INTO ${LOCK_TABLE} (owner, action, at_ms, expires_ms)
    SELECT ${sqlString(owner)}, 'release', toUInt64(now()) * 1000, 0`);
}
