import { openChdb, type ChdbSession } from '../support/chdb.ts';
import { createClient, ClickHouseLogLevel } from '@clickhouse/client';
import { clickhouseUrl } from '../support/services.ts';

describe('chdb (a current ClickHouse engine for checking SQL)', () => {
  let chdb: ChdbSession;
  beforeAll(() => { chdb = openChdb(); });
  afterAll(async () => { await chdb.close(); });

  it('runs a statement only a current ClickHouse accepts', async () => {
    const [row] = await chdb.rows<{ t: string; v: string }>('SELECT toDateTime64(now(), 9) AS t, version() AS v');
    expect(row?.t).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9}$/);
    expect(Number(row?.v.split('.')[0])).toBeGreaterThanOrEqual(24);
  });

  it('keeps DDL and data across statements of one session', async () => {
    await chdb.query('CREATE TABLE smoke_t (a UInt8) ENGINE = MergeTree ORDER BY a');
    await chdb.query('INSERT INTO smoke_t VALUES (1), (2), (3)');
    expect(await chdb.rows('SELECT sum(a) AS s FROM smoke_t')).toEqual([{ s: 6 }]);
  });

  it('rejects bad SQL with the engine message', async () => {
    await expect(chdb.query('SELEC 1')).rejects.toThrow(/Syntax error/);
  });

  it('differs from the local 18.16 server, which refuses the same statement', async () => {
    // The client logs failed queries at error level; this failure is the expected outcome.
    const client = createClient({ url: clickhouseUrl(), log: { level: ClickHouseLogLevel.OFF } });
    try {
      await expect(client.query({ query: 'SELECT toDateTime64(now(), 9)' })).rejects.toThrow(/Unknown function/);
    } finally {
      await client.close();
    }
  });
});
