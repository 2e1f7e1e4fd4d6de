import { acquireLock } from '../../../processors/migrate/migration-lock.ts';
import { ensureBookkeeping, LOCK_TABLE } from '../../../processors/migrate/migrations-table.ts';
import { isNodefarmError } from '../../../host/errors.ts';
import { server1816 } from './engines.ts';
import type { TestDatabase } from './engines.ts';

describe('Migration lock', () => {
  const engine = server1816();
  let db: TestDatabase;

  beforeAll(async () => {
    db = await engine.open('nf_lock');
    await db.ex.ensureDatabase();
    await ensureBookkeeping(db.ex);
  });

  afterAll(async () => { await db.cleanup(); });

  it('makes a second migrator give up with the holder named while the lock is held', async () => {
    const held = await acquireLock(db.ex, { ttlMs: 60_000, waitMs: 0, pollMs: 10 });
    const err = await acquireLock(db.ex, { ttlMs: 60_000, waitMs: 300, pollMs: 50 }).then(() => undefined, (e: unknown) => e);
    expect(isNodefarmError(err) && err.code).toBe('MIGRATE_LOCK_TIMEOUT');
    expect((err as Error).message).toContain(held.owner);
    await held.release();
    const next = await acquireLock(db.ex, { ttlMs: 60_000, waitMs: 0, pollMs: 10 });
    await next.release();
  });

  it('lets a new migrator in once a killed holder\'s lock expired', async () => {
    // A holder that never releases, with a lock that expired a second ago (server clock).
    await db.ex.command(`INSERT INTO ${LOCK_TABLE} (owner, action, at_ms, expires_ms)
      SELECT 'dead:1', 'acquire', toUInt64(now()) * 1000 - 5000, toUInt64(now()) * 1000 - 1000`);
    const lock = await acquireLock(db.ex, { ttlMs: 60_000, waitMs: 0, pollMs: 10 });
    expect(lock.owner).not.toBe('dead:1');
    await lock.release();
  });

  it('grants the lock to exactly one of many simultaneous attempts', async () => {
    const attempts = await Promise.allSettled(Array.from({ length: 4 }, () =>
      acquireLock(db.ex, { ttlMs: 60_000, waitMs: 0, pollMs: 10 })));
    const winners = attempts.filter((a) => a.status === 'fulfilled');
    expect(winners.length).toBeLessThanOrEqual(1);
    for (const w of winners) await w.value.release();
  });
});
