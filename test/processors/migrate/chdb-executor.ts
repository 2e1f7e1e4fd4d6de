import type { ChdbSession } from '../../support/chdb.ts';
import type { SqlExecutor } from '../../../processors/migrate/sql-executor.ts';

/** The database each chdb session currently `USE`s, so several executors can share one session. */
const currentDatabase = new WeakMap<ChdbSession, string>();

/**
 * A SqlExecutor over an embedded current ClickHouse (chdb) session, so the migrator's statements are proven
 * on today's engine as well as on the 18.16 server. chdb has no per-query database, so the executor switches
 * the session with `USE` whenever another executor switched it away.
 */
export function chdbExecutor(session: ChdbSession, database: string): SqlExecutor {
  const use = async (): Promise<void> => {
    if (currentDatabase.get(session) === database) return;
    await session.query(`USE ${database}`);
    currentDatabase.set(session, database);
  };
  return {
    database,
    target: 'chdb',
    async ensureDatabase() {
      await session.query(`CREATE DATABASE IF NOT EXISTS ${database}`);
      await use();
    },
    async command(sql) {
      await use();
      await session.query(sql);
    },
    async rows<T>(sql: string) {
      await use();
      return session.rows<T>(sql);
    },
    async close() {},
  };
}
