import { createClient } from '@clickhouse/client';
import { clickhouseUrl, uniqueName } from '../support/services.ts';

describe('ClickHouse (Debian clickhouse-server started by the project scripts)', () => {
  const client = createClient({ url: clickhouseUrl() });
  const db = uniqueName('smoke');

  afterAll(async () => {
    await client.command({ query: `DROP DATABASE IF EXISTS ${db}` });
    await client.close();
  });

  it('creates a MergeTree table, inserts JSONEachRow and reads the rows back', async () => {
    await client.command({ query: `CREATE DATABASE ${db}` });
    await client.command({
      query: `CREATE TABLE ${db}.t (d Date, name String, n UInt64) ENGINE = MergeTree() PARTITION BY d ORDER BY name`,
    });
    const rows = [
      { d: '2026-11-20', name: 'a', n: 1 },
      { d: '2026-11-21', name: 'b', n: 2 },
      { d: '2026-11-21', name: 'c', n: 3 },
    ];
    await client.insert({ table: `${db}.t`, values: rows, format: 'JSONEachRow' });
    const result = await client.query({ query: `SELECT d, name, n FROM ${db}.t ORDER BY name`, format: 'JSONEachRow' });
    // 18.16 quotes UInt64 in JSON output, so compare as numbers.
    const back = (await result.json<{ d: string; name: string; n: string | number }>())
      .map((r) => ({ ...r, n: Number(r.n) }));
    expect(back).toEqual(rows);
    const version = await (await client.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' }))
      .json<{ v: string }>();
    expect(version[0]?.v).toMatch(/^\d+\.\d+/);
  });
});
