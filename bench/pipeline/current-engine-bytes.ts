/**
 * Bytes per span on a current ClickHouse engine (chdb, embedded), where the schema overlay applies
 * (LowCardinality, ZSTD/Delta/T64 codecs, skip indexes): the benchmark's `spans` rows are copied from the
 * 18.16 server into a database migrated on chdb, merged with OPTIMIZE FINAL, and measured from system.parts.
 * Usage: current-engine-bytes.ts <clickhouse-url> <database>   (prints one line; run by run.sh when CHDB=1)
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { createMigrator } from '../../processors/migrate/index.ts';
import { chdbExecutor } from '../../test/processors/migrate/chdb-executor.ts';
import { openChdb } from '../../test/support/chdb.ts';

const [url = '', database = ''] = process.argv.slice(2);
const dir = mkdtempSync(path.join(tmpdir(), 'nodefarm-bench-chdb-'));
const session = openChdb();
try {
  const res = await fetch(`${url.replace(/\/$/, '')}/?database=${encodeURIComponent(database)}`,
    { method: 'POST', body: 'SELECT * FROM spans FORMAT TabSeparated' });
  if (!res.ok || !res.body) throw new Error(`export from ${url}: ${res.status} ${await res.text()}`);
  const tsv = path.join(dir, 'spans.tsv');
  await pipeline(Readable.fromWeb(res.body as ReadableStream<Uint8Array>), createWriteStream(tsv));
  const ex = chdbExecutor(session, 'bench');
  await ex.ensureDatabase();
  await createMigrator({ database: 'bench' }, ex).migrate();
  const columns = await session.rows<{ name: string; type: string }>(
    "SELECT name, type FROM system.columns WHERE database = 'bench' AND table = 'spans' ORDER BY position");
  const structure = columns.map((c) => `\`${c.name}\` ${c.type}`).join(', ');
  await session.query(`INSERT INTO bench.spans SELECT * FROM file('${tsv}', 'TabSeparated', '${structure.replace(/'/g, "\\'")}')`);
  await session.query('OPTIMIZE TABLE bench.spans FINAL');
  const [p] = await session.rows<{ version: string; rows: string; bytes: string; parts: string }>(`SELECT version() AS version,
    sum(rows) AS rows, sum(bytes_on_disk) AS bytes, count() AS parts FROM system.parts WHERE database = 'bench' AND table = 'spans' AND active`);
  const top = await session.rows<{ name: string; bytes: string }>(`SELECT name, data_compressed_bytes AS bytes FROM system.columns
    WHERE database = 'bench' AND table = 'spans' ORDER BY data_compressed_bytes DESC LIMIT 6`);
  const rows = Math.max(1, Number(p?.rows ?? 0));
  process.stdout.write(`current engine (chdb ${p?.version}, overlay applied): ${(Number(p?.bytes ?? 0) / rows).toFixed(1)} B per span on disk `
    + `over ${rows.toLocaleString('en-US')} rows in ${p?.parts} parts; largest columns: `
    + `${top.map((c) => `${c.name} ${(Number(c.bytes) / rows).toFixed(1)}`).join(', ')}\n`);
} finally {
  await session.close();
  rmSync(dir, { recursive: true, force: true });
}
