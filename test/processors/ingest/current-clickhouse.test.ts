/**
 * The ingester's rows and replay queries on both engines the schema supports: the local 18.16 server and a
 * current ClickHouse (chdb), where the overlay (LowCardinality, codecs, skip indexes) is applied.
 */
import { decodeRecord } from '../../../processors/ingest/decode-record.ts';
import { insertStatement } from '../../../processors/ingest/insert-statement.ts';
import { recentSpanKeysSql, runningInsertsSql, storedIdentitiesSql } from '../../../processors/ingest/replay-queries.ts';
import { TABLES } from '../../../processors/ingest/row-types.ts';
import { createMigrator } from '../../../processors/migrate/index.ts';
import { encodeMetricsRequest, encodeTracesRequest } from '../../../processors/otlp/encode.ts';
import type { ResourceSpans } from '../../../processors/otlp/types.ts';
import { currentEngine, server1816 } from '../migrate/engines.ts';
import type { Engine, TestDatabase } from '../migrate/engines.ts';

const engines: Engine[] = [server1816(), currentEngine()];
const bodyText = (body: (string | Buffer)[]): string => body.map(String).join('');
afterAll(async () => { for (const e of engines) await e.close(); });

const str = (key: string, v: string) => ({ key, value: { stringValue: v } });
const int = (key: string, v: number) => ({ key, value: { intValue: v } });
const id = (n: number, bytes: number): Uint8Array => Buffer.from(n.toString(16).padStart(bytes * 2, '0'), 'hex');

function traces(nowMs: number): ResourceSpans {
  const ns = (ms: number): string => String(BigInt(ms) * 1_000_000n);
  const request = (i: number) => ({
    traceId: id(1, 16), spanId: id(100 + i, 8), name: 'GET /', kind: 2, startTimeUnixNano: ns(nowMs - 1000 + i),
    endTimeUnixNano: ns(nowMs - 1000 + i + 5), attributes: [int('http.response.status_code', i === 0 ? 503 : 200), int('iisnode.node_pid', 7)],
    // One span with an event only, one with a link only: the empty nested columns are left out of the rows.
    events: i === 1 ? [{ timeUnixNano: ns(nowMs - 998), name: 'retry', attributes: [str('attempt', '2')] }] : [],
    links: i === 2 ? [{ traceId: id(9, 16), spanId: id(9, 8), traceState: 'ts=1', attributes: [str('kind', 'follows')] }] : [],
  });
  return {
    resource: { attributes: [str('service.name', 'api'), str('nodefarm.farm', 'f'), str('host.name', 'h'), int('process.pid', 3)] },
    scopeSpans: [{
      scope: { name: 'nodefarm.host' },
      spans: [request(0), request(1), request(2), {
        traceId: id(1, 16), spanId: id(200, 8), name: 'process.start', kind: 1, startTimeUnixNano: ns(nowMs - 2000),
        endTimeUnixNano: ns(nowMs - 1900), attributes: [int('iisnode.node_pid', 7)],
      }],
    }],
  };
}

describe.each(engines.map((e) => [e.name, e] as const))('Ingester rows and replay queries on %s', (_name, engine) => {
  let db: TestDatabase | undefined;
  afterAll(async () => { await db?.cleanup(); });

  it('insert in their formats (spans TabSeparated, the others JSONEachRow), feed the rollups, and are found again by the replay check and the window seed', async () => {
    db = await engine.open('nf_ingest_rows');
    const { ex } = db;
    await createMigrator({ database: ex.database, lockPollMs: 50 }, ex).migrate();
    const now = Date.now();
    const spanRecord = decodeRecord('traces', { topic: 'otlp_spans', partition: 2, offset: 1000 },
      { key: null, value: Buffer.from(encodeTracesRequest([traces(now)])), offset: '1000' });
    // asDouble is a field of the number data point that the shared DataPoint type leaves out.
    const point = { timeUnixNano: String(BigInt(now) * 1_000_000n), asDouble: 5e7, attributes: [int('iisnode.node_pid', 7)] };
    const metricRecord = decodeRecord('metrics', { topic: 'otlp_metrics', partition: 2, offset: 55 }, {
      key: null, offset: '55', value: Buffer.from(encodeMetricsRequest([{
        resource: { attributes: [str('service.name', 'api'), str('nodefarm.farm', 'f'), str('host.name', 'h')] },
        scopeMetrics: [{ metrics: [{ name: 'process.memory.usage', unit: 'By', gauge: { dataPoints: [point] } }] }],
      }])),
    });
    expect(spanRecord.deadLetter).toBeUndefined();
    expect(metricRecord.deadLetter).toBeUndefined();
    for (const table of TABLES) {
      const lines = [...spanRecord.rows, ...metricRecord.rows].filter((r) => r.table === table).map((r) => r.line);
      const { query, body } = insertStatement(table, lines, new Date());
      await ex.command(`${query}\n${bodyText(body)}`);
    }

    const times = spanRecord.rows.map((r) => r.time);
    const stored = await ex.rows<{ o: string | number; s: number }>(
      storedIdentitiesSql('spans', 2, [990, 1010], [Math.min(...times), Math.max(...times)]));
    expect(stored.map((r) => `${r.o}:${r.s}`).sort()).toEqual(['1000:0', '1000:1', '1000:2', '1000:3']);
    const workers = await ex.rows<{ o: string | number; s: number }>(
      storedIdentitiesSql('worker_events', 2, [1000, 1000], [Math.min(...times), Math.max(...times)]));
    expect(workers.map((r) => `${r.o}:${r.s}`)).toEqual(['1000:0']);
    expect(await ex.rows(storedIdentitiesSql('spans', 1, [990, 1010], [Math.min(...times), Math.max(...times)]))).toEqual([]);

    const keys = await ex.rows<{ k: string }>(recentSpanKeysSql(2, 600_000, 100));
    const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
    expect(keys.map((r) => r.k).sort()).toEqual([100, 101, 102, 200].map((n) => hex(id(1, 16)) + hex(id(n, 8))).sort());

    const [req] = await ex.rows<{ r: string | number; e: string | number }>(
      'SELECT countMerge(requests) AS r, countIfMerge(server_errors) AS e FROM requests_1m');
    expect([Number(req?.r), Number(req?.e)]).toEqual([3, 1]);
    const [starts] = await ex.rows<{ s: string | number; c: string | number }>(
      'SELECT countMerge(starts) AS s, maxMerge(cold_start_ms_max) AS c FROM worker_starts_1m');
    expect([Number(starts?.s), Number(starts?.c)]).toEqual([1, 100]);
    const [mem] = await ex.rows<{ m: number; pid: number }>('SELECT maxMerge(rss_max) AS m, any(worker_pid) AS pid FROM memory_1m');
    expect([Number(mem?.m), Number(mem?.pid)]).toEqual([5e7, 7]);
    const [running] = await ex.rows<{ n: string | number }>(runningInsertsSql("nodefarm-ingest:g'1:", "nodefarm-ingest:g'1:me:", 0.5));
    expect(Number(running?.n)).toBe(0);
    const nested = await ex.rows<Record<string, unknown[]>>('SELECT events.time_ns AS et, events.name AS en, '
      + 'events.attr_keys AS ek, events.attr_values AS ev, links.trace_id AS lt, links.span_id AS ls, '
      + 'links.trace_state AS lts, links.attr_keys AS lk, links.attr_values AS lv FROM spans ORDER BY kafka_seq');
    const none = { et: [], en: [], ek: [], ev: [], lt: [], ls: [], lts: [], lk: [], lv: [] };
    expect(nested.map((r) => ({ ...r, et: r.et?.map(String) }))).toEqual([
      none,
      { ...none, et: [String(BigInt(now - 998) * 1_000_000n)], en: ['retry'], ek: [['attempt']], ev: [['2']] },
      { ...none, lt: [hex(id(9, 16))], ls: [hex(id(9, 8))], lts: ['ts=1'], lk: [['kind']], lv: [['follows']] },
      none,
    ]);
    const [ingested] = await ex.rows<{ t: string | number }>('SELECT min(toUInt32(ingested_at)) AS t FROM spans');
    expect(Math.abs(Number(ingested?.t) * 1000 - Date.now())).toBeLessThan(60_000);
  });

  it('store odd attribute values exactly (escapes of TabSeparated fields and array elements)', async () => {
    const odd = ['tab\there', 'new\nline', 'back\\slash', "quo'te", 'dq"x', 'cr\rx', 'nul\0x', '\\t literal', 'ünï©ødé 🚀',
      '', ' ', "[',']", '\\', "'", '\\N', 'a\\\tb'];
    const attributes = odd.map((v, i) => str(`k${i}\t${v}`, v));
    // traceState is a Link field the shared SpanLink type leaves out.
    const link = { traceId: id(5, 16), spanId: id(6, 8), traceState: "s\t'", attributes: [str('lk\\', "lv'")] };
    const request: ResourceSpans = {
      resource: { attributes: [str('service.name', "odd\t'app"), str('nodefarm.farm', 'f\\x')] },
      scopeSpans: [{ scope: { name: 'sc\nope', version: "v'1" }, spans: [{
        traceId: id(3, 16), spanId: id(4, 8), name: 'na\tme\n', kind: 1, startTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
        endTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n + 7n), attributes, status: { code: 2, message: "bad\t'\\" },
        events: [{ timeUnixNano: '1', name: "e'\t", attributes: [str("ek'", "ev\n\\")] }],
        links: [link],
      }] }],
    };
    const record = decodeRecord('traces', { topic: 'otlp_spans', partition: 0, offset: 7 },
      { key: null, value: Buffer.from(encodeTracesRequest([request])), offset: '7' });
    expect(record.deadLetter).toBeUndefined();
    const { ex } = db as TestDatabase;
    const { query, body } = insertStatement('spans', record.rows.map((r) => r.line), new Date());
    await ex.command(`${query}\n${bodyText(body)}`);
    const [row] = await ex.rows<Record<string, unknown>>('SELECT name, status_message, scope_name, scope_version, app, farm, '
      + 'attr_keys, attr_values, resource_values, events.name AS en, events.attr_keys AS ek, events.attr_values AS ev, '
      + 'links.trace_state AS lts, links.attr_keys AS lk, links.attr_values AS lv, duration_ns FROM spans WHERE kafka_offset = 7');
    expect(row).toEqual({
      name: 'na\tme\n', status_message: "bad\t'\\", scope_name: 'sc\nope', scope_version: "v'1", app: "odd\t'app", farm: 'f\\x',
      attr_keys: odd.map((v, i) => `k${i}\t${v}`), attr_values: odd, resource_values: ["odd\t'app", 'f\\x'],
      en: ["e'\t"], ek: [["ek'"]], ev: [['ev\n\\']], lts: ["s\t'"], lk: [['lk\\']], lv: [["lv'"]], duration_ns: expect.anything(),
    });
    expect(String(row?.duration_ns)).toBe('7');
  });
});
