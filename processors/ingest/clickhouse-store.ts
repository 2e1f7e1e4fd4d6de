import { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import type { ClickHouseClient } from '@clickhouse/client';
import { NodefarmError } from '../../host/errors.ts';
import type { LogSink } from '../kafka/log-sink.ts';
import { sqlString } from '../migrate/sql-literal.ts';
import { classifyFailure, describeFailure } from './classify-error.ts';
import type { ClickHouseTarget } from './config.ts';
import { TABLES } from './row-types.ts';
import type { Row, TableName } from './row-types.ts';
import { insertStatement } from './insert-statement.ts';
import { recentSpanKeysSql, runningInsertsSql, storedIdentitiesSql } from './replay-queries.ts';

/** The ClickHouse side of the ingester: inserts and the reads that make replays exact. */
export interface ClickHouseStore {
  /** Inserts serialized rows (lines of the table's format, row-types.ts) into `table` under `queryId`; throws the client's error on failure. */
  insert(table: TableName, lines: readonly Row['line'][], queryId: string): Promise<void>;
  /** Inserts still running on the server whose query id starts with `prefix` (but not `excludePrefix`). */
  runningInserts(prefix: string, excludePrefix: string, minElapsedSeconds: number): Promise<number>;
  /**
   * `offset:seq` of the rows of `table` already stored for Kafka `partition` between the given offsets, reading
   * only the days between `minTime` and `maxTime` (Unix seconds).
   */
  storedIdentities(table: TableName, partition: number, offsets: readonly [number, number],
    times: readonly [number, number]): Promise<Set<string>>;
  /** Span keys of `partition` ingested in the last `windowMs`, oldest first, at most `limit`. */
  recentSpanKeys(partition: number, windowMs: number, limit: number): Promise<{ key: string; atMs: number }[]>;
  /** Tables the ingester needs that do not exist. */
  missingTables(): Promise<TableName[]>;
  close(): Promise<void>;
}

export function createClickHouseStore(target: ClickHouseTarget): ClickHouseStore {
  const client: ClickHouseClient = createClient({
    url: target.url, username: target.username, password: target.password, database: target.database,
    request_timeout: target.requestTimeoutMs,
    // Failures reach the ingester as values and are logged there once.
    log: { level: ClickHouseLogLevel.OFF },
  });
  const rows = async <T>(query: string): Promise<T[]> => (await client.query({ query, format: 'JSONEachRow' })).json<T>();

  return {
    async insert(table, lines, queryId) {
      if (lines.length === 0) return;
      // The lines are serialized already (their size is what the buffer counts); ingested_at is the insert time.
      const { query, body } = insertStatement(table, lines, new Date());
      const result = await client.exec({ query, values: Readable.from(body), query_id: queryId });
      result.stream.resume();
      await new Promise<void>((resolve, reject) => {
        result.stream.once('end', resolve).once('close', resolve).once('error', reject);
      });
    },
    async storedIdentities(table, partition, offsets, times) {
      const found = await rows<{ o: string | number; s: number }>(storedIdentitiesSql(table, partition, offsets, times));
      return new Set(found.map((r) => `${r.o}:${r.s}`));
    },
    async recentSpanKeys(partition, windowMs, limit) {
      if (limit === 0 || windowMs === 0) return [];
      const found = await rows<{ k: string; at: string | number }>(recentSpanKeysSql(partition, windowMs, limit));
      return found.reverse().map((r) => ({ key: r.k, atMs: Number(r.at) * 1000 }));
    },
    async runningInserts(prefix, excludePrefix, minElapsedSeconds) {
      const [r] = await rows<{ n: string | number }>(runningInsertsSql(prefix, excludePrefix, minElapsedSeconds));
      return Number(r?.n ?? 0);
    },
    async missingTables() {
      const found = await rows<{ name: string }>(
        `SELECT name FROM system.tables WHERE database = ${sqlString(target.database)}`);
      const names = new Set(found.map((r) => r.name));
      return TABLES.filter((t) => !names.has(t));
    },
    close: () => client.close(),
  };
}

/**
 * Throws `INGEST_SCHEMA_MISSING` when the database or one of the tables is missing (`nodefarm migrate` has not
 * run). An unreachable server is not an error at start: batches wait until it answers.
 */
export async function checkSchema(store: ClickHouseStore, target: ClickHouseTarget, log: LogSink): Promise<void> {
  let missing: string[];
  try {
    missing = await store.missingTables();
  } catch (err) {
    if (classifyFailure(err) !== 'schema') {
      log.warn('ClickHouse is not reachable yet; batches wait until it is', { reason: describeFailure(err) });
      return;
    }
    missing = ['the database'];
  }
  if (missing.length > 0) {
    throw new NodefarmError('INGEST_SCHEMA_MISSING', { database: target.database, url: target.url, missing: missing.join(', ') });
  }
}
