/** A minimal ClickHouse HTTP client for the benchmark's read queries (TabSeparated text in, rows out). */
export interface ClickHouseHttp {
  /** Runs `sql` in the database and returns the TabSeparated rows split into fields. */
  rows(sql: string, timeoutMs?: number): Promise<string[][]>;
  /** Runs a statement and ignores its output. */
  exec(sql: string, timeoutMs?: number): Promise<void>;
}

/** Creates a client for `url` (e.g. http://127.0.0.1:18123) and `database`, as user `default` without password. */
export function createClickHouseHttp(url: string, database: string): ClickHouseHttp {
  const endpoint = `${url.replace(/\/$/, '')}/?database=${encodeURIComponent(database)}`;
  const send = async (sql: string, timeoutMs: number): Promise<string> => {
    const res = await fetch(endpoint, { method: 'POST', body: sql, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    if (!res.ok) throw new Error(`ClickHouse ${res.status}: ${text.slice(0, 300)}`);
    return text;
  };
  return {
    async rows(sql, timeoutMs = 10_000) {
      const text = await send(`${sql} FORMAT TabSeparated`, timeoutMs);
      return text.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
    },
    async exec(sql, timeoutMs = 60_000) {
      await send(sql, timeoutMs);
    },
  };
}
