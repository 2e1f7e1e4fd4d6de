import { createClickHouseExecutor } from '../../../processors/migrate/clickhouse-executor.ts';
import type { SqlExecutor } from '../../../processors/migrate/sql-executor.ts';
import { openChdb } from '../../support/chdb.ts';
import type { ChdbSession } from '../../support/chdb.ts';
import { clickhouseUrl, uniqueName } from '../../support/services.ts';
import { chdbExecutor } from './chdb-executor.ts';

/** A fresh, uniquely named database on one engine, dropped by `cleanup`. */
export interface TestDatabase {
  readonly ex: SqlExecutor;
  cleanup(): Promise<void>;
}

/** One ClickHouse engine the schema must work on. */
export interface Engine {
  readonly name: string;
  /** True for the engine that gets the version-gated overlay. */
  readonly current: boolean;
  open(prefix: string): Promise<TestDatabase>;
  /** Releases what the engine itself holds (the chdb process); call in afterAll. */
  close(): Promise<void>;
}

/** The local ClickHouse 18.16 server over HTTP. */
export function server1816(): Engine {
  return {
    name: 'ClickHouse 18.16 server',
    current: false,
    async open(prefix) {
      const ex = clickhouseExecutor(uniqueName(prefix));
      return {
        ex,
        async cleanup() {
          await ex.command(`DROP DATABASE IF EXISTS ${ex.database}`).catch(() => undefined);
          await ex.close();
        },
      };
    },
    async close() {},
  };
}

/** An HTTP executor for `database` on the test server. */
export function clickhouseExecutor(database: string): SqlExecutor {
  return createClickHouseExecutor({ url: clickhouseUrl(), database, username: 'default', password: '', requestTimeoutMs: 30_000 });
}

/** The embedded current engine (chdb); one process per engine, started on first use. */
export function currentEngine(): Engine {
  let session: ChdbSession | undefined;
  return {
    name: 'current ClickHouse (chdb)',
    current: true,
    async open(prefix) {
      session ??= openChdb();
      const s = session;
      const ex = chdbExecutor(s, uniqueName(prefix));
      await ex.ensureDatabase();
      return {
        ex,
        async cleanup() { await s.query(`DROP DATABASE IF EXISTS ${ex.database}`).catch(() => undefined); },
      };
    },
    async close() { await session?.close(); },
  };
}

/** Inserts rows as JSONEachRow in one INSERT (one block, as the ingester writes). */
export async function insertRows(ex: SqlExecutor, table: string, rows: readonly object[]): Promise<void> {
  await ex.command(`INSERT INTO ${table} FORMAT JSONEachRow\n${rows.map((r) => JSON.stringify(r)).join('\n')}`);
}
