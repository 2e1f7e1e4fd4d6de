/**
 * A small, hand-countable set of raw rows for the rollup tests: one farm/app, two worker pids, two minutes.
 * Timestamps are an hour ago so the overlay's TTL (days) never removes them on the current engine.
 */
export const MINUTE = Math.floor(Date.now() / 60_000) * 60 - 3600;
const NEXT = MINUTE + 60;

const common = { farm: 'f1', server: 'web1', app: 'shop', instance_id: 'i-1', environment: 'test', host_pid: 10 };

let seq = 0;
function span(second: number, pid: number, status: number, substatus: number, durationMs: number, extra: object = {}): object {
  seq += 1;
  const startNs = BigInt(second) * 1_000_000_000n + 123_456_789n;
  return {
    ...common,
    start_time: second,
    start_time_ns: startNs.toString(),
    duration_ns: (durationMs * 1_000_000).toString(),
    trace_id: seq.toString(16).padStart(32, '0'),
    span_id: seq.toString(16).padStart(16, '0'),
    parent_span_id: '',
    name: 'GET /cart',
    kind: 2,
    status_code: status >= 500 ? 2 : 0,
    worker_pid: pid,
    http_method: 'GET',
    url_path: '/cart',
    http_status: status,
    substatus,
    attr_keys: ['http.request.method', 'url.path', 'http.response.status_code', 'iisnode.substatus'],
    attr_values: ['GET', '/cart', String(status), String(substatus)],
    resource_keys: ['service.name', 'host.name', 'nodefarm.farm'],
    resource_values: ['shop', 'web1', 'f1'],
    kafka_partition: 0,
    kafka_offset: seq,
    ...extra,
  };
}

/** Spans written in two inserts, so the rollups hold partial rows that must be merged at read time. */
export const spanBatches: object[][] = [
  [
    // pid 101, minute 1: 7 × 200, 2 × 500.1002, 1 × 503.1000, 1 × 404 — durations 1..11 ms
    ...[1, 2, 3, 4, 5, 6, 7].map((i) => span(MINUTE + i, 101, 200, 0, i, i === 3 ? { np_retry: 2 } : {})),
    span(MINUTE + 8, 101, 500, 1002, 8, { np_retry: 1 }),
    // A child span: never counted as a request.
    { ...span(MINUTE + 8, 101, 0, 0, 1), name: 'pipe.connect', kind: 1 },
  ],
  [
    span(MINUTE + 9, 101, 500, 1002, 9),
    span(MINUTE + 10, 101, 503, 1000, 10),
    span(MINUTE + 11, 101, 404, 0, 11),
    // pid 102, minute 1: 3 × 200
    ...[1, 2, 3].map((i) => span(MINUTE + 20 + i, 102, 200, 0, 100 * i)),
    // pid 101, minute 2: 2 × 200
    span(NEXT + 1, 101, 200, 0, 5),
    span(NEXT + 2, 101, 200, 0, 5),
  ],
];

function workerEvent(second: number, pid: number, event: 'start' | 'exit', extra: object): object {
  return {
    ...common, time: second, time_ns: (BigInt(second) * 1_000_000_000n).toString(), event, worker_pid: pid,
    reason: '', exit_code: null, signal: '', uptime_ms: 0, requests_served: 0, cold_start_ms: 0, ...extra,
  };
}

/** Two starts and three exits in minute 1, split over two inserts. */
export const workerEventBatches: object[][] = [
  [
    workerEvent(MINUTE + 1, 101, 'start', { cold_start_ms: 250 }),
    workerEvent(MINUTE + 2, 99, 'exit', { reason: 'crash', exit_code: 1, uptime_ms: 5000, requests_served: 10 }),
  ],
  [
    workerEvent(MINUTE + 5, 102, 'start', { cold_start_ms: 350 }),
    workerEvent(MINUTE + 6, 98, 'exit', { reason: 'memory-limit', signal: 'SIGKILL', uptime_ms: 60000, requests_served: 500 }),
    workerEvent(MINUTE + 7, 97, 'exit', { reason: 'crash', exit_code: 7, uptime_ms: 1000, requests_served: 0 }),
  ],
];

function point(second: number, pid: number, name: string, value: number): object {
  return {
    ...common, time: second, time_ns: (BigInt(second) * 1_000_000_000n).toString(), start_time_ns: '0', name,
    type: name === 'process.memory.usage' ? 'gauge' : 'sum', unit: 'By', temporality: 0, is_monotonic: 0, value,
    worker_pid: pid, attr_keys: [], attr_values: [], resource_keys: [], resource_values: [],
  };
}

/** RSS of pid 101 (100, 200, 150 MB), of the host (pid 0, 50 MB), and an unrelated metric. */
export const metricBatches: object[][] = [
  [point(MINUTE + 1, 101, 'process.memory.usage', 100e6), point(MINUTE + 2, 0, 'process.memory.usage', 50e6)],
  [
    point(MINUTE + 30, 101, 'process.memory.usage', 200e6),
    point(MINUTE + 45, 101, 'process.memory.usage', 150e6),
    point(MINUTE + 45, 101, 'process.cpu.time', 999),
  ],
];
