/**
 * The heavy-tail p99 floor: a discrete-event simulation of the host benchmark's heavy-tail workload (wrk's closed
 * loop of CONNS connections, two workers, TAIL_PCT % of requests busy TAIL_US, the rest WORK_US) under the
 * dispatch orders a proxy can choose without knowing which requests will be slow and without preempting a
 * worker: one queue served first-come-first-served (nodefarm's least-outstanding dispatch with a window of one),
 * in random order, newest first, and per-worker queues with connections pinned to workers (node's cluster module
 * and PM2 hand out connections, not requests).
 *
 * The per-request overhead (parsing, relaying, the proxy's share of the CPU) is set so the simulated throughput
 * equals a measured one: by Little's law the latency of a closed loop scales with 1 / throughput, so a floor
 * means something only at a given throughput.
 *   node bench/host/tail-floor.ts [measured req/s]     (default 3200; env CONNS 64, WORKERS 2, WORK_US 100,
 *                                                      TAIL_PCT 2, TAIL_US 20000, SECONDS 120, SEEDS 5)
 */
const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const target = Number(process.argv[2] ?? 3200);
const conns = env('CONNS', 64);
const workers = env('WORKERS', 2);
const workUs = env('WORK_US', 100);
const tailPct = env('TAIL_PCT', 2);
const tailUs = env('TAIL_US', 20_000);
const seconds = env('SECONDS', 120);
const seeds = env('SEEDS', 5);
const whole = (n: number, min: number): boolean => Number.isInteger(n) && n >= min;
if (!(target > 0) || !whole(workers, 1) || !whole(conns, workers) || !(tailPct >= 0 && tailPct <= 100) ||
  !(workUs >= 0) || !(tailUs >= 0) || !(seconds > 1) || !whole(seeds, 1)) {
  process.stderr.write('usage: tail-floor.ts [measured req/s > 0]; integers CONNS >= WORKERS >= 1 and SEEDS >= 1, ' +
    '0 <= TAIL_PCT <= 100, WORK_US and TAIL_US >= 0, SECONDS > 1\n');
  process.exit(2);
}
// Mean service time that gives `target` requests/s with every worker always busy, minus the app's own work.
const appUs = (workUs * (100 - tailPct) + tailUs * tailPct) / 100;
if ((workers * 1e6) / target < appUs) {
  process.stderr.write(`${target} req/s is more than ${workers} workers can serve with this mix ` +
    `(${(workers * 1e6 / appUs).toFixed(0)} at most): give a lower measured throughput\n`);
  process.exit(2);
}
const overheadUs = (workers * 1e6) / target - appUs;

type Order = 'fifo' | 'random' | 'newest' | 'pinned';

/** A small seeded PRNG (mulberry32): runs are repeatable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  /** The longest completed request (ms). */
  max: number;
  /** Requests still waiting at the end after more than 2 s (wrk's timeout): connections the order starves. */
  starved: number;
}

/** Simulates `seconds` of the closed loop; latencies are counted after a warm-up second. */
function simulate(order: Order, seed: number): Run {
  const random = prng(seed);
  const service = (): number => (random() * 100 < tailPct ? tailUs : workUs) + overheadUs;
  // One queue of waiting requests' send times per worker for `pinned`, one shared queue otherwise; connection c
  // belongs to worker c % workers.
  const queues: number[][] = Array.from({ length: order === 'pinned' ? workers : 1 }, () => []);
  const queueOf = (w: number): number[] => queues[w % queues.length]!;
  for (let c = 0; c < conns; c++) queueOf(c).push(0);
  const take = (q: number[]): number => {
    if (order === 'newest') return q.pop()!;
    if (order === 'random') return q.splice(Math.floor(random() * q.length), 1)[0]!;
    return q.shift()!;
  };
  // Each worker's current request: when it ends and when it was sent.
  const ends: number[] = [];
  const sent: number[] = [];
  for (let w = 0; w < workers; w++) {
    sent[w] = take(queueOf(w));
    ends[w] = service();
  }
  const latencies: number[] = [];
  const horizon = seconds * 1e6;
  for (;;) {
    let w = 0;
    for (let i = 1; i < workers; i++) if (ends[i]! < ends[w]!) w = i;
    const now = ends[w]!;
    if (now > horizon) break;
    if (now > 1e6) latencies.push(now - sent[w]!);
    const q = queueOf(w);
    q.push(now); // the connection sends its next request at once
    sent[w] = take(q);
    ends[w] = now + service();
  }
  latencies.sort((a, b) => a - b);
  const at = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]! / 1000;
  const starved = queues.flat().filter((t) => horizon - t > 2e6).length;
  return { rps: latencies.length / (seconds - 1), p50: at(0.5), p99: at(0.99), max: at(1), starved };
}

process.stdout.write(`closed loop of ${conns} connections, ${workers} workers, ${100 - tailPct} % × ${workUs} us + ${tailPct} % × ${tailUs} us, ` +
  `overhead ${overheadUs.toFixed(0)} us per request (for ${target} req/s); ${seeds} runs of ${seconds} s each\n`);
process.stdout.write('| order | req/s | p50 ms | p99 ms (min–max over runs) | max ms | requests waiting > 2 s at the end |\n|---|---|---|---|---|---|\n');
const floors: Record<string, number> = {};
for (const order of ['fifo', 'random', 'newest', 'pinned'] as const) {
  const runs = Array.from({ length: seeds }, (_, i) => simulate(order, i + 1));
  const mean = (f: (r: Run) => number): number => runs.reduce((s, r) => s + f(r), 0) / runs.length;
  const p99s = runs.map((r) => r.p99);
  floors[order] = mean((r) => r.p99);
  process.stdout.write(`| ${order} | ${mean((r) => r.rps).toFixed(0)} | ${mean((r) => r.p50).toFixed(1)} | ` +
    `${floors[order]!.toFixed(1)} (${Math.min(...p99s).toFixed(1)}–${Math.max(...p99s).toFixed(1)}) | ${Math.max(...runs.map((r) => r.max)).toFixed(0)} | ` +
    `${mean((r) => r.starved).toFixed(0)} |\n`);
}
// Newest-first shows a low p99 only because the requests it starves never complete, so they are never counted.
process.stdout.write(`\nOf the orders that starve no connection, first-come-first-served has the lowest p99: ${floors.fifo!.toFixed(1)} ms ` +
  `at ${target} req/s. p99 <= 0.5 x an anchor's p99 then needs the anchor's p99 >= ${(2 * floors.fifo!).toFixed(0)} ms.\n`);
