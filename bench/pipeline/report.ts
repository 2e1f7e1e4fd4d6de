import type { FreshnessWindow } from './freshness-probe.ts';
import type { PartsFigures, StorageFigures } from './storage-figures.ts';

/** One process's usage during a measured window. */
export interface ProcFigures {
  readonly name: string;
  readonly pid: number;
  readonly peakRssKb: number;
  readonly peakAnonKb: number;
  /** CPU seconds used in the window; undefined when /proc could not be read. */
  readonly cpuSeconds: number | undefined;
}

/** The figures of one target rate. Rates are spans/s over the measured window. */
export interface StepResult {
  readonly targetRate: number;
  readonly seconds: number;
  /** Warm-up before the window: WARMUP_S, plus the time the ingester needed to catch up (at most SETTLE_S). */
  readonly warmupSeconds: number;
  readonly offeredRate: number;
  readonly acceptedRate: number;
  readonly landedRate: number;
  /** Spans accepted by the gateway but not yet in ClickHouse, at the window's start and end. */
  readonly lagStart: number;
  readonly lagEnd: number;
  /** After the load stopped, how long until every accepted span was in ClickHouse; undefined = not within DRAIN_S. */
  readonly drainedMs: number | undefined;
  readonly retried429: number;
  readonly retried503: number;
  readonly failed: number;
  readonly encodeUsPerSpan: number;
  readonly freshness: FreshnessWindow;
  /** Gateway answer times of the window's accepted requests (send → 200), ms, ascending. */
  readonly answerMs: readonly number[];
  readonly procs: readonly ProcFigures[];
  /** The whole machine in the window: cores, cores busy (all processes), share of time some task waited for a CPU. */
  readonly machine: { readonly cores: number; readonly busyCores: number; readonly stallShare: number | undefined };
}

/** Processes whose work is per span accepted by the gateway; the others (ingester, ClickHouse) per span landed. */
const PER_ACCEPTED = new Set(['gateway', 'kafka', 'load']);
/** The pipeline's own processes (the load generator is not part of it). */
const PIPELINE = ['gateway', 'kafka', 'ingester', 'clickhouse'];

/** CPU µs per span of one process in a step: per accepted span for gateway/Kafka/load, per landed span otherwise. */
export function cpuUsPerSpan(s: StepResult, p: ProcFigures): number | undefined {
  const rate = PER_ACCEPTED.has(p.name) ? s.acceptedRate : s.landedRate;
  return p.cpuSeconds === undefined || rate <= 0 ? undefined : (p.cpuSeconds * 1e6) / (rate * s.seconds);
}

/**
 * The spans/s the pipeline could carry if it had every core of the machine to itself: cores divided by the
 * pipeline's CPU per span (gateway + Kafka + ingester + ClickHouse). An estimate for a shared, contended
 * machine, where the measured rate says more about the neighbours than about the pipeline.
 */
export function cpuBoundRate(s: StepResult): number | undefined {
  let us = 0;
  for (const name of PIPELINE) {
    const p = s.procs.find((x) => x.name === name);
    const v = p ? cpuUsPerSpan(s, p) : undefined;
    if (v === undefined) return undefined;
    us += v;
  }
  return us > 0 ? (s.machine.cores * 1e6) / us : undefined;
}

/** The targets of the issue's benchmark. */
export const TARGETS = { spansPerSecond: 50_000, freshnessP99Ms: 2_000 } as const;
/** A rate counts as sustained when this share of it is accepted and landed, and the backlog drains this fast. */
const SUSTAINED = { share: 0.95, drainMs: 5_000 } as const;

/** Nearest-rank percentile of ascending values; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** Whether a step's rate was sustained end to end (see {@link SUSTAINED}). */
export function sustained(s: StepResult): boolean {
  return s.acceptedRate >= SUSTAINED.share * s.targetRate && s.landedRate >= SUSTAINED.share * s.acceptedRate
    && s.drainedMs !== undefined && s.drainedMs <= SUSTAINED.drainMs;
}

const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MiB`;
const out = (line: string): void => { process.stdout.write(`${line}\n`); };

function table(rows: readonly (readonly string[])[]): void {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  rows.forEach((r, n) => {
    out(`| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`);
    if (n === 0) out(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  });
}

/** Prints the figures of one rate as soon as it is done. */
export function printStep(s: StepResult): void {
  const f = s.freshness.latenciesMs;
  out('');
  out(`## target ${int(s.targetRate)} spans/s (${s.seconds.toFixed(1)} s window after ${s.warmupSeconds.toFixed(1)} s warm-up): ${sustained(s) ? 'SUSTAINED' : 'not sustained'}`);
  out(`offered ${int(s.offeredRate)}/s, accepted by gateway ${int(s.acceptedRate)}/s, landed in ClickHouse ${int(s.landedRate)}/s; `
    + `backlog ${int(s.lagStart)} → ${int(s.lagEnd)} spans; drained ${s.drainedMs === undefined ? 'NOT within the drain limit' : `${(s.drainedMs / 1000).toFixed(1)} s after the load stopped`}`);
  out(`gateway answer (POST → 200): p50 ${int(percentile(s.answerMs, 50))} ms, p99 ${int(percentile(s.answerMs, 99))} ms over ${s.answerMs.length} requests`);
  out(`retries: ${s.retried429} × 429, ${s.retried503} × 503; failed requests ${s.failed}; generator encode ${s.encodeUsPerSpan.toFixed(2)} µs/span`);
  out(`freshness (span end → in requests_1m): p50 ${int(percentile(f, 50))} ms, p99 ${int(percentile(f, 99))} ms, `
    + `max ${int(percentile(f, 100))} ms over ${f.length} markers${s.freshness.missing ? `, ${s.freshness.missing} not seen` : ''}`);
  const ours = s.procs.reduce((a, p) => a + (p.cpuSeconds ?? 0), 0) / s.seconds;
  out(`machine: ${s.machine.cores} cores, ${s.machine.busyCores.toFixed(2)} busy: ${ours.toFixed(2)} by the processes below, `
    + `${Math.max(0, s.machine.busyCores - ours).toFixed(2)} by other processes; some task waited for a CPU `
    + `${s.machine.stallShare === undefined ? '(no PSI)' : `${(s.machine.stallShare * 100).toFixed(0)} % of the time`}`);
  table([['process', 'CPU s', 'cores', 'µs CPU/span', 'peak RSS', 'peak RssAnon'],
    ...s.procs.map((p) => [p.name, p.cpuSeconds?.toFixed(1) ?? '–',
      p.cpuSeconds === undefined ? '–' : (p.cpuSeconds / s.seconds).toFixed(2),
      cpuUsPerSpan(s, p)?.toFixed(1) ?? '–', mb(p.peakRssKb), mb(p.peakAnonKb)])]);
  const bound = cpuBoundRate(s);
  if (bound !== undefined) out(`CPU-bound estimate with all ${s.machine.cores} cores for the pipeline: ${int(bound)} spans/s`);
}

function perSpan(p: PartsFigures): string {
  const r = Math.max(1, p.rows);
  return `${(p.bytesOnDisk / r).toFixed(1)} B on disk (${(p.compressed / r).toFixed(1)} compressed, `
    + `${(p.uncompressed / r).toFixed(0)} uncompressed, ${(p.uncompressed / Math.max(1, p.compressed)).toFixed(1)}×) over ${int(p.rows)} rows in ${p.parts} parts`;
}

/** Prints the summary table: each headline figure beside its target and the ratio. */
export function printSummary(steps: readonly StepResult[], storage: StorageFigures): void {
  const ok = steps.filter(sustained);
  const best = ok.reduce<StepResult | undefined>((a, s) => (!a || s.acceptedRate > a.acceptedRate ? s : a), undefined);
  const head = best ?? steps.reduce<StepResult | undefined>((a, s) => (!a || s.landedRate > a.landedRate ? s : a), undefined);
  const peak = (name: string): number => Math.max(0, ...steps.flatMap((s) => s.procs.filter((p) => p.name === name).map((p) => p.peakRssKb)));
  const cores = (name: string): string => {
    const p = head?.procs.find((x) => x.name === name);
    return p?.cpuSeconds === undefined || !head ? '–' : (p.cpuSeconds / head.seconds).toFixed(2);
  };
  const p50 = head ? percentile(head.freshness.latenciesMs, 50) : Number.NaN;
  const p99 = head ? percentile(head.freshness.latenciesMs, 99) : Number.NaN;
  const sustainedRate = best?.landedRate ?? Number.NaN;
  const bytes = (storage.optimized ?? storage.asWritten);
  out('');
  out(`## summary (ClickHouse ${storage.serverVersion})`);
  out(best ? `highest sustained target: ${int(best.targetRate)} spans/s; figures below are from that window`
    : `no rate was sustained; figures below are from the window with the highest landed rate (${int(head?.targetRate ?? Number.NaN)} target)`);
  table([
    ['figure', 'measured', 'target', 'ratio'],
    ['sustained spans/s end to end (landed)', int(best ? sustainedRate : Number.NaN), `≥ ${int(TARGETS.spansPerSecond)}`,
      best ? (sustainedRate / TARGETS.spansPerSecond).toFixed(2) : '–'],
    ['highest landed spans/s seen (any window)', int(Math.max(0, ...steps.map((s) => s.landedRate))), '–', '–'],
    ['freshness p50, ms', int(p50), '–', '–'],
    ['freshness p99, ms', int(p99), `≤ ${int(TARGETS.freshnessP99Ms)}`, (p99 / TARGETS.freshnessP99Ms).toFixed(2)],
    ['bytes per span on disk (spans)', (bytes.bytesOnDisk / Math.max(1, bytes.rows)).toFixed(1), 'report', '–'],
    ['rollup requests_1m bytes per span', storage.rollupBytesPerSpan.toFixed(2), 'report', '–'],
    ['gateway peak RSS', mb(peak('gateway')), 'report', '–'],
    ['ingester peak RSS', mb(peak('ingester')), 'report', '–'],
    ['gateway CPU, cores', cores('gateway'), 'report', '–'],
    ['ingester CPU, cores', cores('ingester'), 'report', '–'],
    ['Kafka CPU, cores', cores('kafka'), 'report', '–'],
    ['ClickHouse CPU, cores', cores('clickhouse'), 'report', '–'],
    ['load generator CPU, cores', cores('load'), 'report', '–'],
    ['pipeline CPU per span, µs (gateway+Kafka+ingester+CH)', head && cpuBoundRate(head) !== undefined
      ? ((head.machine.cores * 1e6) / (cpuBoundRate(head) as number)).toFixed(0) : '–', 'report', '–'],
    [`CPU-bound estimate, ${head?.machine.cores ?? '?'} cores to itself, spans/s`, int(head ? cpuBoundRate(head) ?? Number.NaN : Number.NaN),
      `≥ ${int(TARGETS.spansPerSecond)}`, head && cpuBoundRate(head) !== undefined ? ((cpuBoundRate(head) as number) / TARGETS.spansPerSecond).toFixed(2) : '–'],
    ['other processes on the machine, cores', head ? Math.max(0, head.machine.busyCores
      - head.procs.reduce((a, p) => a + (p.cpuSeconds ?? 0), 0) / head.seconds).toFixed(2) : '–', '–', '–'],
  ]);
  out('');
  out(`spans as written: ${perSpan(storage.asWritten)}`);
  if (storage.optimized) out(`after OPTIMIZE FINAL: ${perSpan(storage.optimized)}`);
  if (storage.optimizeError) out(`OPTIMIZE FINAL failed: ${storage.optimizeError}`);
  out(`largest columns, compressed bytes per span: ${storage.topColumns.map((c) => `${c.name} ${c.bytesPerRow.toFixed(1)}`).join(', ')}`);
}
