import type { OtlpProtocol } from './config.ts';
import { encodeSpansProto } from './encode-spans-proto.ts';
import { CONTRACT_VERSION, SCOPE_NAME } from './semconv.ts';
import type { AttrValue, SpanRecord } from './span-record.ts';
import { epochNanos } from './time.ts';

/** A resource's attributes, by app name (`''` = the host's own resource). */
export type ResourceOf = (app: string) => Readonly<Record<string, AttrValue>>;

/** One metric data point. Times are Unix epoch ms. */
export interface MetricPoint {
  readonly app: string;
  readonly name: string;
  readonly unit: string;
  /** gauge, or a cumulative monotonic sum. */
  readonly type: 'gauge' | 'sum';
  readonly value: number;
  readonly time: number;
  readonly startTime: number;
  readonly attributes: Readonly<Record<string, AttrValue>>;
}

type Json = Record<string, unknown>;

function anyValue(v: AttrValue, json: boolean): Json {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Number.isInteger(v)) return { intValue: json ? String(v) : v };
  return { doubleValue: v };
}

function keyValues(attrs: Readonly<Record<string, AttrValue>>, json: boolean): Json[] {
  const out: Json[] = [];
  for (const key in attrs) out.push({ key, value: anyValue(attrs[key]!, json) });
  return out;
}

function id(hex: string, json: boolean): string | Buffer | undefined {
  if (hex === '') return undefined;
  return json ? hex : Buffer.from(hex, 'hex');
}

function groupByApp<T extends { readonly app: string }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    let g = groups.get(item.app);
    if (!g) groups.set(item.app, (g = []));
    g.push(item);
  }
  return groups;
}

const scope = { name: SCOPE_NAME, version: CONTRACT_VERSION };

/** An ExportTraceServiceRequest for `spans` (one ResourceSpans per app), as protobuf bytes or OTLP/JSON text. */
export function encodeSpans(spans: readonly SpanRecord[], resourceOf: ResourceOf, protocol: OtlpProtocol): Uint8Array | string {
  if (protocol === 'http/protobuf') return encodeSpansProto(spans, resourceOf);
  const json = true; // shared helpers below also serve the metrics encoder, which has both formats
  const resourceSpans = [...groupByApp(spans)].map(([app, list]) => ({
    resource: { attributes: keyValues(resourceOf(app), json) },
    scopeSpans: [{
      scope,
      spans: list.map((s) => ({
        traceId: id(s.traceId, json),
        spanId: id(s.spanId, json),
        parentSpanId: id(s.parentSpanId, json),
        traceState: s.traceState || undefined,
        name: s.name,
        kind: s.kind,
        startTimeUnixNano: epochNanos(s.start),
        endTimeUnixNano: epochNanos(Math.max(s.start, s.end)),
        attributes: keyValues(s.attributes, json),
        events: s.events.map((e) => ({ name: e.name, timeUnixNano: epochNanos(e.time), attributes: keyValues(e.attributes, json) })),
        status: s.statusCode || s.statusMessage ? { code: s.statusCode, message: s.statusMessage || undefined } : undefined,
      })),
    }],
  }));
  return JSON.stringify({ resourceSpans });
}

/** Encodes ResourceMetrics as a protobuf ExportMetricsServiceRequest (processors/otlp, loaded on demand). */
export type MetricsProtobufEncoder = (resourceMetrics: never) => Uint8Array;

/**
 * An ExportMetricsServiceRequest for `points` (one ResourceMetrics per app): OTLP/JSON text, or protobuf bytes
 * through `toProtobuf` (required for http/protobuf).
 */
export function encodeMetrics(points: readonly MetricPoint[], resourceOf: ResourceOf, protocol: OtlpProtocol,
  toProtobuf?: MetricsProtobufEncoder): Uint8Array | string {
  const json = protocol === 'http/json';
  const resourceMetrics = [...groupByApp(points)].map(([app, list]) => {
    const byName = new Map<string, MetricPoint[]>();
    for (const p of list) {
      let g = byName.get(p.name);
      if (!g) byName.set(p.name, (g = []));
      g.push(p);
    }
    const metrics = [...byName.values()].map((ps) => {
      const first = ps[0]!;
      const dataPoints = ps.map((p) => ({
        attributes: keyValues(p.attributes, json),
        startTimeUnixNano: p.type === 'sum' ? epochNanos(p.startTime) : undefined,
        timeUnixNano: epochNanos(p.time),
        ...(Number.isInteger(p.value) ? { asInt: json ? String(p.value) : p.value } : { asDouble: p.value }),
      }));
      return first.type === 'sum'
        ? { name: first.name, unit: first.unit, sum: { dataPoints, aggregationTemporality: 2, isMonotonic: true } }
        : { name: first.name, unit: first.unit, gauge: { dataPoints } };
    });
    return { resource: { attributes: keyValues(resourceOf(app), json) }, scopeMetrics: [{ scope, metrics }] };
  });
  if (json) return JSON.stringify({ resourceMetrics });
  if (!toProtobuf) throw new Error('encodeMetrics: protobuf needs an encoder');
  return toProtobuf(resourceMetrics as never);
}
