import type { LogSink } from '../kafka/log-sink.ts';
import { classifyFailure, describeFailure } from './classify-error.ts';
import type { ClickHouseStore } from './clickhouse-store.ts';
import type { DedupWindow } from './config.ts';
import type { BufferedRecord } from './decode-record.ts';
import type { DeadLetterWriter } from './dead-letter.ts';
import { rejectedRows } from './insert-statement.ts';
import { partitionKey } from './partition-state.ts';
import type { PartitionState } from './partition-state.ts';
import { TABLES } from './row-types.ts';
import type { Row, TableName } from './row-types.ts';
import { createSpanWindow } from './span-window.ts';

/** What one successful flush did. */
export interface FlushOutcome {
  readonly inserted: Record<TableName, number>;
  /** Inserts sent (one per table with rows, more when a rejected insert was split). */
  readonly inserts: number;
  /** Spans dropped as copies of a span already seen (within the batch or in the window). */
  readonly duplicates: number;
  /** Rows dropped because the replay check found them stored already. */
  readonly alreadyStored: number;
  readonly deadLettered: number;
}

export interface FlushContext {
  readonly store: ClickHouseStore;
  readonly deadLetters: DeadLetterWriter;
  readonly dedup: DedupWindow;
  readonly log: LogSink;
  /** The state of each partition of the batch (spans partitions get a window). */
  state(topic: string, partition: number): PartitionState;
  readonly spansTopic: string;
  /** A fresh query id for each insert (so other ingesters of the group can see it in system.processes). */
  queryId(): string;
  /** False once the partitions were reassigned: no further insert may start for this batch. */
  stillOwner(): boolean;
}

/** Thrown when the batch's partitions were reassigned during a flush; the next owner stores the rest. */
export class ReassignedError extends Error {
  constructor() {
    super('the partitions were reassigned during the flush');
    this.name = 'ReassignedError';
  }
}

type Decision = 'insert' | 'stored' | 'duplicate';

/**
 * One attempt at storing a batch of records: seed the span windows, drop rows already stored (when a replay is
 * possible), drop duplicate spans, write poison records to the dead-letter topic, insert spans, worker events
 * and metrics. Throws on a failure worth retrying (the caller backs off and calls again with the same batch,
 * after marking its partitions for a check). A record whose rows ClickHouse rejects for good is found by
 * splitting the insert and goes to the dead-letter topic. Idempotent across retries by construction.
 */
export async function flushBatch(records: readonly BufferedRecord[], ctx: FlushContext): Promise<FlushOutcome> {
  const byPartition = groupByPartition(records);
  await seedWindows(byPartition, ctx);
  const stored = await storedRows(byPartition, ctx);
  let duplicates = 0;
  let alreadyStored = 0;
  const toInsert: Record<TableName, { record: BufferedRecord; rows: Row[] }[]> = { spans: [], worker_events: [], metrics: [] };
  // The span keys each record adds to its partition's window once stored (one entry per record, not per span).
  const newKeys: { state: PartitionState; keys: string[]; record: BufferedRecord }[] = [];
  // Usually nothing of the batch is stored yet (its records are above `checkBelow`): no identities to build.
  const check = stored.size > 0;
  for (const [, recs] of byPartition) {
    const first = recs[0] as BufferedRecord;
    const state = ctx.state(first.source.topic, first.source.partition);
    const window = state.window;
    const seen = new Set<string>();
    for (const record of recs) {
      if (record.deadLetter) continue;
      // The `kafka_seq` of the record's spans dropped as duplicates (their worker events go with them).
      let dropped: Set<number> | undefined;
      const perTable: Record<TableName, Row[]> = { spans: [], worker_events: [], metrics: [] };
      const keys: string[] = [];
      for (const row of record.rows) {
        const isStored = check && stored.has(identity(row.table, record.source.offset, row.seq, record));
        let d: Decision = isStored ? 'stored' : 'insert';
        if (row.table === 'spans' && row.spanKey) {
          // One lookup answers "seen in this batch" and records it (a Set's size grows only for a new key).
          const n = seen.size;
          seen.add(row.spanKey);
          if (!isStored && (seen.size === n || window?.has(row.spanKey))) {
            d = 'duplicate';
            (dropped ??= new Set()).add(row.seq);
          }
        } else if (row.table === 'worker_events' && !isStored && dropped?.has(row.spanSeq ?? -1)) {
          d = 'duplicate';
        }
        if (d === 'stored') alreadyStored += 1;
        else if (d === 'duplicate') { if (row.table === 'spans') duplicates += 1; } else {
          perTable[row.table].push(row);
          if (row.spanKey) keys.push(row.spanKey);
        }
      }
      for (const t of TABLES) if (perTable[t].length > 0) toInsert[t].push({ record, rows: perTable[t] });
      if (keys.length > 0 && window) newKeys.push({ state, keys, record });
    }
  }
  const inserted: Record<TableName, number> = { spans: 0, worker_events: 0, metrics: 0 };
  let inserts = 0;
  for (const table of TABLES) {
    // A record dead-lettered by an earlier table's insert keeps none of its rows.
    const groups = toInsert[table].filter((g) => !g.record.deadLetter);
    const r = table === 'spans' ? await insertInTwo(groups, ctx) : await insertIsolating(table, groups, ctx);
    inserted[table] += r.rows;
    inserts += r.inserts;
  }
  const letters = records.filter((r) => r.deadLetter).map((r) => ({ source: r.source, letter: r.deadLetter! }));
  await ctx.deadLetters.send(letters);
  // Only spans that were stored enter the window (not those of a record rejected on insert).
  const at = Date.now();
  for (const { state, keys, record } of newKeys) if (!record.deadLetter) state.window?.addAll(keys, at);
  return { inserted, inserts, duplicates, alreadyStored, deadLettered: letters.length };
}

function identity(table: TableName, offset: number, seq: number, record: BufferedRecord): string {
  return `${table}:${record.source.topic}:${record.source.partition}:${offset}:${seq}`;
}

function groupByPartition(records: readonly BufferedRecord[]): Map<string, BufferedRecord[]> {
  const out = new Map<string, BufferedRecord[]>();
  for (const r of records) {
    const key = partitionKey(r.source.topic, r.source.partition);
    const list = out.get(key);
    if (list) list.push(r);
    else out.set(key, [r]);
  }
  for (const list of out.values()) list.sort((a, b) => a.source.offset - b.source.offset);
  return out;
}

async function seedWindows(byPartition: Map<string, BufferedRecord[]>, ctx: FlushContext): Promise<void> {
  for (const recs of byPartition.values()) {
    const { topic, partition } = (recs[0] as BufferedRecord).source;
    const state = ctx.state(topic, partition);
    if (topic !== ctx.spansTopic || state.window) continue;
    const window = createSpanWindow(ctx.dedup.windowMs, ctx.dedup.maxKeysPerPartition);
    for (const { key, atMs } of await ctx.store.recentSpanKeys(partition, ctx.dedup.windowMs, ctx.dedup.maxKeysPerPartition)) {
      window.add(key, atMs);
    }
    state.window = window;
  }
}

/**
 * Identities (`table:topic:partition:offset:seq`) of the batch's rows that ClickHouse already holds, read for
 * the records below each partition's `checkBelow` only.
 */
async function storedRows(byPartition: Map<string, BufferedRecord[]>, ctx: FlushContext): Promise<Set<string>> {
  const found = new Set<string>();
  for (const recs of byPartition.values()) {
    const { topic, partition } = (recs[0] as BufferedRecord).source;
    const below = ctx.state(topic, partition).checkBelow ?? Infinity;
    const suspect = recs.filter((r) => r.source.offset < below);
    for (const table of TABLES) {
      let minO = Infinity; let maxO = -Infinity; let minT = Infinity; let maxT = -Infinity;
      for (const r of suspect) {
        for (const row of r.rows) {
          if (row.table !== table) continue;
          minO = Math.min(minO, r.source.offset); maxO = Math.max(maxO, r.source.offset);
          minT = Math.min(minT, row.time); maxT = Math.max(maxT, row.time);
        }
      }
      if (minO === Infinity) continue;
      const ids = await ctx.store.storedIdentities(table, partition, [minO, maxO], [minT, maxT]);
      for (const id of ids) found.add(`${table}:${topic}:${partition}:${id}`);
    }
  }
  return found;
}

/** A spans insert of at least this many rows is sent as two INSERTs at once. */
const SPLIT_ROWS = 4000;

/**
 * Inserts a large spans batch as two concurrent INSERTs of about half the rows each (whole records in each),
 * so that ClickHouse parses and writes them on two threads and the flush takes about half as long; 18.16
 * runs each INSERT on one thread. Both are awaited before anything is thrown: a retry must never run its
 * replay check while an insert of the same batch may still be writing.
 */
async function insertInTwo(groups: { record: BufferedRecord; rows: Row[] }[], ctx: FlushContext):
  Promise<{ rows: number; inserts: number }> {
  let total = 0;
  for (const g of groups) total += g.rows.length;
  if (total < SPLIT_ROWS || groups.length < 2) return insertIsolating('spans', groups, ctx);
  let cut = 0;
  for (let half = 0; cut < groups.length - 1 && half < total / 2; cut += 1) half += (groups[cut] as { rows: Row[] }).rows.length;
  const settled = await Promise.allSettled([
    insertIsolating('spans', groups.slice(0, cut), ctx), insertIsolating('spans', groups.slice(cut), ctx)]);
  let rows = 0;
  let inserts = 0;
  for (const s of settled) {
    if (s.status === 'rejected') throw s.reason;
    rows += s.value.rows;
    inserts += s.value.inserts;
  }
  return { rows, inserts };
}

/**
 * Inserts the rows of `groups` into `table`. When ClickHouse rejects the data itself, the groups are split in
 * halves until the rejected records are alone; those are marked for the dead-letter topic and the rest is
 * stored. Other failures are thrown.
 */
async function insertIsolating(table: TableName, groups: { record: BufferedRecord; rows: Row[] }[], ctx: FlushContext):
  Promise<{ rows: number; inserts: number }> {
  if (groups.length === 0) return { rows: 0, inserts: 0 };
  const lines = groups.flatMap((g) => g.rows.map((r) => r.line));
  // The new owner waits only for inserts that started before it got the partitions (await-peer-inserts.ts).
  if (!ctx.stillOwner()) throw new ReassignedError();
  try {
    await ctx.store.insert(table, lines, ctx.queryId());
    return { rows: lines.length, inserts: 1 };
  } catch (err) {
    if (classifyFailure(err) !== 'rejected') throw err;
    if (groups.length === 1) {
      const { record, rows } = groups[0] as { record: BufferedRecord; rows: Row[] };
      const reason = `ClickHouse rejected the rows for ${table}: ${describeFailure(err)}`;
      // The source record stays in its topic; the dead letter carries the rejected rows, which show the problem.
      const { contentType, value } = rejectedRows(table, rows.map((r) => r.line));
      record.deadLetter = { reason, key: null, value, headers: { 'content-type': contentType, 'nodefarm-dlq-table': table } };
      ctx.log.warn('record rejected by ClickHouse; sending it to the dead-letter topic', {
        topic: record.source.topic, partition: record.source.partition, offset: record.source.offset, table, reason,
      });
      return { rows: 0, inserts: 1 };
    }
    const mid = Math.ceil(groups.length / 2);
    const a = await insertIsolating(table, groups.slice(0, mid), ctx);
    const b = await insertIsolating(table, groups.slice(mid), ctx);
    return { rows: a.rows + b.rows, inserts: 1 + a.inserts + b.inserts };
  }
}
