import { bytesToHex } from '../otlp/hex.ts';
import { int64ToBigInt } from '../otlp/int64.ts';
import type { Span } from '../otlp/types.ts';
import { lookup, uintOf } from './attributes.ts';
import type { AttributeArrays } from './attributes.ts';
import { dateTimeOf, rowLine, uint64Text } from './row-types.ts';
import type { RecordSource, Row } from './row-types.ts';
import { pidsOf } from './resource-columns.ts';
import type { ResourceColumns } from './resource-columns.ts';

/**
 * The span attributes a worker lifecycle span carries (the host emits them; docs/ingester.md lists them).
 * `process.exit.code` is the OpenTelemetry semantic convention; the others are nodefarm's own.
 */
export const LIFECYCLE_ATTRS = {
  reason: 'nodefarm.worker.reason',
  exitCode: 'process.exit.code',
  signal: 'nodefarm.worker.signal',
  uptimeMs: 'nodefarm.worker.uptime_ms',
  requestsServed: 'nodefarm.worker.requests_served',
  coldStartMs: 'nodefarm.worker.cold_start_ms',
} as const;

/** The spans names that become worker events, and the event they become. */
const EVENTS: Readonly<Record<string, 'start' | 'exit'>> = { 'process.start': 'start', 'process.exit': 'exit' };

/**
 * The `worker_events` row of a `process.start` / `process.exit` span, or undefined for any other span. A start
 * happens at the span's start (spawn; the span lasts until the worker listens), an exit at the span's end.
 */
export function workerEventRow(span: Span, attrs: AttributeArrays, res: ResourceColumns, src: RecordSource,
  seq: number, spanSeq: number): Row | undefined {
  const event = EVENTS[span.name ?? ''];
  if (!event) return undefined;
  const startNs = int64ToBigInt(span.startTimeUnixNano);
  const endNs = int64ToBigInt(span.endTimeUnixNano);
  const atNs = event === 'start' ? startNs : (endNs > 0n ? endNs : startNs);
  const at = dateTimeOf(atNs);
  const get = (k: string): string | undefined => lookup(k, attrs);
  const signal = get(LIFECYCLE_ATTRS.signal) ?? '';
  const codeText = get(LIFECYCLE_ATTRS.exitCode);
  const exitCode = event === 'exit' && signal === '' && codeText !== undefined && /^-?\d+$/.test(codeText.trim())
    ? Math.max(-2_147_483_648, Math.min(2_147_483_647, Number(codeText))) : null;
  const spanMs = endNs > startNs ? Number((endNs - startNs) / 1_000_000n) : 0;
  const coldStart = get(LIFECYCLE_ATTRS.coldStartMs);
  const out = {
    time: at.text,
    time_ns: uint64Text(atNs),
    event,
    farm: res.farm, server: res.server, app: res.app, instance_id: res.instance_id, environment: res.environment,
    ...pidsOf(attrs, res.attrs),
    reason: get(LIFECYCLE_ATTRS.reason) ?? '',
    exit_code: exitCode,
    signal,
    uptime_ms: event === 'exit' ? uintOf(get(LIFECYCLE_ATTRS.uptimeMs), Number.MAX_SAFE_INTEGER) : 0,
    requests_served: event === 'exit' ? uintOf(get(LIFECYCLE_ATTRS.requestsServed), Number.MAX_SAFE_INTEGER) : 0,
    cold_start_ms: event === 'start' ? (coldStart !== undefined ? uintOf(coldStart, 4_294_967_295) : Math.min(spanMs, 4_294_967_295)) : 0,
    trace_id: bytesToHex(span.traceId),
    span_id: bytesToHex(span.spanId),
    source: 'otlp',
    kafka_partition: src.partition,
    kafka_offset: src.offset,
    kafka_seq: seq,
  };
  return { table: 'worker_events', seq, time: at.seconds, spanSeq, line: rowLine(out) };
}
