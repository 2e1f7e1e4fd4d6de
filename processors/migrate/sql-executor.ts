/**
 * What the migrator and the retention job need from a ClickHouse connection. Statements run in `database`
 * (unqualified table names resolve there), one statement per call.
 */
export interface SqlExecutor {
  /** The database every statement runs in. */
  readonly database: string;
  /** Where the statements go, for messages (a URL, or a description of an embedded engine). */
  readonly target: string;
  /** Creates `database` when missing (run before anything else). */
  ensureDatabase(): Promise<void>;
  /** Runs a statement that returns no rows (DDL, INSERT … VALUES/SELECT, ALTER). */
  command(sql: string): Promise<void>;
  /** Runs a SELECT and returns its rows (JSONEachRow; 64-bit integers may arrive as strings). */
  rows<T>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}
