import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import type { ClickHouseClient } from '@clickhouse/client';
import { sqlIdentifier } from './sql-literal.ts';
import type { SqlExecutor } from './sql-executor.ts';

/** Connection settings for {@link createClickHouseExecutor}. */
export interface ClickHouseConnection {
  readonly url: string;
  readonly database: string;
  readonly username: string;
  readonly password: string;
  readonly requestTimeoutMs: number;
}

/**
 * A {@link SqlExecutor} over ClickHouse's HTTP interface (@clickhouse/client). Uses no server-side query
 * parameters and no session, so it works on 18.16 as on current servers. The database must exist before a
 * client can use it as its default, so `ensureDatabase` goes through a second client bound to `system`.
 */
export function createClickHouseExecutor(conn: ClickHouseConnection): SqlExecutor {
  const make = (database: string): ClickHouseClient => createClient({
    url: conn.url,
    username: conn.username,
    password: conn.password,
    database,
    request_timeout: conn.requestTimeoutMs,
    // Progress headers keep a long ALTER's connection busy so idle timeouts in between do not cut it
    // (both settings exist on 18.16 too).
    clickhouse_settings: { send_progress_in_http_headers: 1, http_headers_progress_interval_ms: '10000' },
    // Failures come back to the caller as NodefarmErrors; the client's own console logging would repeat them.
    log: { level: ClickHouseLogLevel.OFF },
  });
  const client = make(conn.database);
  return {
    database: conn.database,
    target: conn.url,
    async ensureDatabase() {
      const bootstrap = make('system');
      try {
        await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${sqlIdentifier(conn.database)}` });
      } finally {
        await bootstrap.close();
      }
    },
    async command(sql) {
      await client.command({ query: sql });
    },
    async rows<T>(sql: string): Promise<T[]> {
      const result = await client.query({ query: sql, format: 'JSONEachRow' });
      return result.json<T>();
    },
    close: () => client.close(),
  };
}
