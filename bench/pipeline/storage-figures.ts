import type { ClickHouseHttp } from './clickhouse-http.ts';

/** `spans` on disk: totals over active parts, before and (optionally) after OPTIMIZE FINAL. */
export interface PartsFigures {
  readonly rows: number;
  readonly parts: number;
  readonly bytesOnDisk: number;
  readonly compressed: number;
  readonly uncompressed: number;
}

export interface StorageFigures {
  readonly serverVersion: string;
  readonly asWritten: PartsFigures;
  /** After OPTIMIZE TABLE spans FINAL; undefined when skipped or when it failed (then `optimizeError`). */
  readonly optimized: PartsFigures | undefined;
  readonly optimizeError: string | undefined;
  /** The largest columns of `spans`, compressed bytes per row. */
  readonly topColumns: { name: string; bytesPerRow: number }[];
  /** Bytes on disk of the rollup `requests_1m` per `spans` row (the dashboards' table). */
  readonly rollupBytesPerSpan: number;
}

async function parts(ch: ClickHouseHttp, database: string, table: string): Promise<PartsFigures> {
  const [r] = await ch.rows(`SELECT sum(rows), count(), sum(bytes_on_disk), sum(data_compressed_bytes),
    sum(data_uncompressed_bytes) FROM system.parts WHERE database = '${database}' AND table = '${table}' AND active`);
  const [rows, count, bytesOnDisk, compressed, uncompressed] = (r ?? []).map(Number);
  return { rows: rows ?? 0, parts: count ?? 0, bytesOnDisk: bytesOnDisk ?? 0, compressed: compressed ?? 0, uncompressed: uncompressed ?? 0 };
}

/**
 * Bytes per span of `spans` as written (several parts, not all merged) and, when `optimize`, after
 * OPTIMIZE FINAL merged each day into one part. The numbers are the server's own codecs: on 18.16 the base
 * schema only (LZ4, plain String); the overlay's LowCardinality and ZSTD/Delta codecs apply on current servers.
 */
export async function measureStorage(ch: ClickHouseHttp, database: string, optimize: boolean): Promise<StorageFigures> {
  const [[serverVersion = '?'] = []] = await ch.rows('SELECT version()');
  const asWritten = await parts(ch, database, 'spans');
  let optimized: PartsFigures | undefined;
  let optimizeError: string | undefined;
  if (optimize) {
    try {
      // OPTIMIZE returns without merging when a background merge holds the parts (18.16 does not throw by
      // default), so it is repeated until each day is one part.
      for (let attempt = 0; attempt < 5; attempt++) {
        await ch.exec('OPTIMIZE TABLE spans FINAL', 120_000);
        optimized = await parts(ch, database, 'spans');
        const [[days = '0'] = []] = await ch.rows(`SELECT uniqExact(partition_id) FROM system.parts
          WHERE database = '${database}' AND table = 'spans' AND active`);
        if (optimized.parts <= Number(days)) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
    } catch (err) {
      optimizeError = err instanceof Error ? err.message : String(err);
    }
  }
  const rows = (optimized ?? asWritten).rows;
  const columns = await ch.rows(`SELECT name, data_compressed_bytes FROM system.columns
    WHERE database = '${database}' AND table = 'spans' ORDER BY data_compressed_bytes DESC LIMIT 8`);
  const rollup = await parts(ch, database, 'requests_1m');
  return {
    serverVersion, asWritten, optimized, optimizeError,
    topColumns: columns.map(([name = '', bytes = '0']) => ({ name, bytesPerRow: Number(bytes) / Math.max(1, rows) })),
    rollupBytesPerSpan: rollup.bytesOnDisk / Math.max(1, rows),
  };
}
