/**
 * The pipeline benchmark's load generator and meter (bench/pipeline/run.sh starts the services and runs it).
 * For each target rate: warm-up, a measured window, then the load stops and the pipeline drains. It measures
 * spans/s offered, accepted by the gateway (200 = in Kafka) and landed in ClickHouse, the ingester's lag,
 * freshness (marker span end → visible in the `requests_1m` rollup), CPU and peak memory of each process,
 * and at the end bytes per span on disk. Prints one table per rate and a summary against the targets.
 *
 * Environment: GATEWAY_URL, CLICKHOUSE_URL, DATABASE (required); RATES (spans/s, comma separated),
 * WARMUP_S, SETTLE_S (extra warm-up until the backlog is under 1 s of load), DURATION_S, DRAIN_S, BATCH (spans per request), SENDERS,
 * TEMPLATES (pre-encoded batches the load copies with fresh ids and times; 0 = encode every batch), OPTIMIZE (1 = OPTIMIZE FINAL before
 * measuring bytes), RESULT_JSON (file for the raw figures); GATEWAY_PID, INGEST_PID, KAFKA_PID,
 * CLICKHOUSE_PID (processes to meter).
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { createClickHouseHttp } from './clickhouse-http.ts';
import { startFreshnessProbe } from './freshness-probe.ts';
import { createOtlpPoster } from './post-otlp.ts';
import { startPacedSenders } from './paced-senders.ts';
import type { SenderCounters } from './paced-senders.ts';
import { machineCpu, startProcSampler, ticksToSeconds } from './proc-sampler.ts';
import { measureStorage } from './storage-figures.ts';
import { printSummary, printStep, sustained } from './report.ts';
import type { StepResult } from './report.ts';

const env = process.env;
const num = (name: string, fallback: number): number => {
  const v = Number(env[name] ?? '');
  return env[name] !== undefined && env[name] !== '' && Number.isFinite(v) ? v : fallback;
};
const need = (name: string): string => {
  const v = env[name];
  if (!v) {
    process.stderr.write(`load.ts: ${name} is not set (run bench/pipeline/run.sh)\n`);
    process.exit(2);
  }
  return v;
};

const gatewayUrl = need('GATEWAY_URL');
const ch = createClickHouseHttp(need('CLICKHOUSE_URL'), need('DATABASE'));
const database = need('DATABASE');
const rates = (env.RATES ?? '10000,20000,50000,80000').split(/[ ,]+/).filter(Boolean).map(Number);
const warmupMs = num('WARMUP_S', 8) * 1000;
const durationMs = num('DURATION_S', 20) * 1000;
const drainMs = num('DRAIN_S', 20) * 1000;
const settleMs = num('SETTLE_S', 15) * 1000;
const batch = num('BATCH', 1000);
const senders = num('SENDERS', 16);
const templates = num('TEMPLATES', 32);

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Rows in `spans` (active parts: cheap, and exact once an INSERT has returned). */
async function landedSpans(): Promise<number> {
  const rows = await ch.rows(`SELECT sum(rows) FROM system.parts WHERE database = '${database}' AND table = 'spans' AND active`);
  return Number(rows[0]?.[0] ?? 0);
}

const pids: Record<string, number> = {
  gateway: num('GATEWAY_PID', 0), ingester: num('INGEST_PID', 0), kafka: num('KAFKA_PID', 0),
  clickhouse: num('CLICKHOUSE_PID', 0), load: process.pid,
};

async function main(): Promise<void> {
  const loadPoster = createOtlpPoster(gatewayUrl, senders);
  const markerPoster = createOtlpPoster(gatewayUrl, 4);
  const probe = startFreshnessProbe(markerPoster, ch);
  const procs = startProcSampler(pids);
  const results: StepResult[] = [];
  let acceptedBefore = 0; // spans accepted by earlier steps
  const expected = (c: SenderCounters): number => acceptedBefore + c.acceptedSpans + probe.accepted();

  process.stdout.write(`machine: ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at start\n`);
  process.stdout.write(`pipeline benchmark: batches of ${batch} spans, ${senders} senders, warm-up ${warmupMs / 1000} s, `
    + `window ${durationMs / 1000} s per rate; rates ${rates.join(', ')} spans/s\n`);
  for (const rate of rates) {
    const load = startPacedSenders(loadPoster, senders, batch, rate, templates);
    const startedAt = Date.now();
    await sleep(warmupMs);
    // The window opens once the ingester caught up with the start-up backlog (at most 1 s of load behind),
    // so freshness is measured in steady state; it opens anyway after SETTLE_S more seconds.
    while (Date.now() - startedAt < warmupMs + settleMs && expected(load.counters) - await landedSpans() > rate) await sleep(250);
    const warmedMs = Date.now() - startedAt;
    for (const u of procs.usage) { u.peakRssKb = 0; u.peakAnonKb = 0; }
    procs.sample();
    const c0 = { ...load.counters, latenciesMs: [] };
    load.counters.latenciesMs.length = 0;
    const ticks0 = procs.usage.map((u) => u.ticks);
    const m0 = machineCpu();
    const t0 = Date.now();
    const landed0 = await landedSpans();
    const lag0 = expected(load.counters) - landed0;
    await sleep(durationMs);
    procs.sample();
    const t1 = Date.now();
    const c1 = { ...load.counters, latenciesMs: [...load.counters.latenciesMs] };
    const ticks1 = procs.usage.map((u) => u.ticks);
    const m1 = machineCpu();
    const landed1 = await landedSpans();
    const lag1 = expected(load.counters) - landed1;
    await load.stop();
    const stoppedAt = Date.now();
    // Markers keep flowing during the drain, so the goal is fixed now: every load span, and every marker
    // accepted so far (later markers only add rows, at most a few per second).
    const drainGoal = expected(load.counters);
    let drainedMs: number | undefined;
    for (;;) {
      const landed = await landedSpans();
      if (landed >= drainGoal) { drainedMs = Date.now() - stoppedAt; break; }
      if (Date.now() - stoppedAt > drainMs) break;
      await sleep(200);
    }
    const seconds = (t1 - t0) / 1000;
    const fresh = probe.window(t0, t1);
    const result: StepResult = {
      targetRate: rate, seconds, warmupSeconds: warmedMs / 1000,
      offeredRate: (c1.offeredSpans - c0.offeredSpans) / seconds,
      acceptedRate: (c1.acceptedSpans - c0.acceptedSpans) / seconds,
      landedRate: (landed1 - landed0) / seconds,
      lagStart: lag0, lagEnd: lag1, drainedMs,
      retried429: c1.retried429 - c0.retried429, retried503: c1.retried503 - c0.retried503,
      failed: c1.failed - c0.failed,
      encodeUsPerSpan: ((c1.encodeMs - c0.encodeMs) * 1000) / Math.max(1, c1.offeredSpans - c0.offeredSpans),
      freshness: fresh,
      answerMs: [...c1.latenciesMs].sort((a, b) => a - b),
      machine: {
        cores: availableParallelism(),
        busyCores: ticksToSeconds(m1.busyTicks - m0.busyTicks) / seconds,
        stallShare: m0.stallUs !== undefined && m1.stallUs !== undefined ? (m1.stallUs - m0.stallUs) / 1e6 / seconds : undefined,
      },
      procs: procs.usage.map((u, i) => {
        const a = ticks0[i], b = ticks1[i];
        const cpuSeconds = a !== undefined && b !== undefined ? ticksToSeconds(b - a) : undefined;
        return { name: u.name, pid: u.pid, peakRssKb: u.peakRssKb, peakAnonKb: u.peakAnonKb, cpuSeconds };
      }),
    };
    acceptedBefore += load.counters.acceptedSpans;
    results.push(result);
    printStep(result);
    if (!sustained(result) && rate !== rates[rates.length - 1]) {
      process.stdout.write(`(higher rates skipped: ${int(rate)} spans/s was not sustained)\n`);
      break;
    }
  }
  await probe.stop();
  procs.stop();
  loadPoster.close();
  markerPoster.close();
  const storage = await measureStorage(ch, database, env.OPTIMIZE !== '0');
  printSummary(results, storage);
  if (env.RESULT_JSON) writeFileSync(env.RESULT_JSON, `${JSON.stringify({ results, storage }, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`load.ts: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
