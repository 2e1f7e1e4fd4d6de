import { randomBytes } from 'node:crypto';
import { otlpSchema } from '../../../processors/otlp/otlp-schema.ts';
import { int64ToBigInt } from '../../../processors/otlp/int64.ts';
import { bytesToHex } from '../../../processors/otlp/hex.ts';
import type { AnyValue, KeyValue, MetricsRequest, TracesRequest } from '../../../processors/otlp/types.ts';
import { metricDataKinds } from '../../../processors/otlp/types.ts';

/** Test data builders: OTLP/JSON objects written by hand, and protobuf made from them with protobufjs. */

export type AttrValue = string | number | boolean;

export function traceId(): string {
  return randomBytes(16).toString('hex');
}

export function spanId(): string {
  return randomBytes(8).toString('hex');
}

/** Nanoseconds since the epoch as a decimal string, `offsetMs` from now. */
export function nowNs(offsetMs = 0): string {
  return (BigInt(Date.now() + offsetMs) * 1_000_000n).toString();
}

function jsonValue(v: AttrValue): Record<string, unknown> {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

export function jsonAttributes(attrs: Readonly<Record<string, AttrValue>> = {}): { key: string; value: Record<string, unknown> }[] {
  return Object.entries(attrs).map(([key, v]) => ({ key, value: jsonValue(v) }));
}

export interface SpanSpec {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly startNs?: string;
  readonly endNs?: string;
  readonly kind?: number;
  readonly attributes?: Readonly<Record<string, AttrValue>>;
}

/** An OTLP/JSON traces request: one resource (service.name) with one scope. */
export function tracesJson(service: string, spans: readonly SpanSpec[]): Record<string, unknown> {
  return {
    resourceSpans: [{
      resource: { attributes: jsonAttributes({ 'service.name': service }) },
      scopeSpans: [{
        scope: { name: 'nodefarm-test', version: '1.0.0' },
        spans: spans.map((s) => {
          const start = s.startNs ?? nowNs(-1000);
          return {
            traceId: s.traceId,
            spanId: s.spanId,
            ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
            name: s.name,
            kind: s.kind ?? 2,
            startTimeUnixNano: start,
            endTimeUnixNano: s.endNs ?? (BigInt(start) + 5_000_000n).toString(),
            attributes: jsonAttributes(s.attributes),
            status: { code: 1 },
          };
        }),
      }],
    }],
  };
}

function hexIdsToBytes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hexIdsToBytes);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) =>
    [k, (k === 'traceId' || k === 'spanId' || k === 'parentSpanId') && typeof v === 'string' ? Buffer.from(v, 'hex') : hexIdsToBytes(v)]));
}

/** The protobuf encoding of an OTLP/JSON object built by the functions above. */
export function toProtobuf(signal: 'traces' | 'metrics', json: Record<string, unknown>): Uint8Array {
  const schema = otlpSchema();
  const type = signal === 'traces' ? schema.ExportTraceServiceRequest : schema.ExportMetricsServiceRequest;
  return type.encode(type.fromObject(hexIdsToBytes(json) as Record<string, unknown>)).finish();
}

export interface PointSpec {
  readonly value: number;
  readonly timeNs?: string;
  readonly attributes?: Readonly<Record<string, AttrValue>>;
}

export interface MetricSpec {
  readonly name: string;
  readonly kind: 'gauge' | 'sum';
  readonly points: readonly PointSpec[];
}

/** An OTLP/JSON metrics request: one resource with one scope. */
export function metricsJson(service: string, metrics: readonly MetricSpec[]): Record<string, unknown> {
  return {
    resourceMetrics: [{
      resource: { attributes: jsonAttributes({ 'service.name': service }) },
      scopeMetrics: [{
        scope: { name: 'nodefarm-test' },
        metrics: metrics.map((m) => {
          const dataPoints = m.points.map((p) => ({
            attributes: jsonAttributes(p.attributes),
            startTimeUnixNano: nowNs(-60_000),
            timeUnixNano: p.timeNs ?? nowNs(),
            ...(Number.isInteger(p.value) ? { asInt: String(p.value) } : { asDouble: p.value }),
          }));
          return m.kind === 'sum'
            ? { name: m.name, unit: '1', sum: { dataPoints, aggregationTemporality: 2, isMonotonic: true } }
            : { name: m.name, unit: '1', gauge: { dataPoints } };
        }),
      }],
    }],
  };
}

function plainValue(v: AnyValue | null | undefined): unknown {
  if (!v) return undefined;
  if (v.stringValue !== undefined && v.stringValue !== null && v.value === 'stringValue') return v.stringValue;
  if (v.value === 'boolValue') return v.boolValue;
  if (v.value === 'intValue') return int64ToBigInt(v.intValue).toString();
  if (v.value === 'doubleValue') return v.doubleValue;
  if (v.value === 'bytesValue') return Buffer.from(v.bytesValue ?? []).toString('base64');
  if (v.value === 'arrayValue') return (v.arrayValue?.values ?? []).map(plainValue);
  if (v.value === 'kvlistValue') return attributesOf(v.kvlistValue?.values);
  return v.stringValue ?? undefined;
}

/** Attributes as a plain record (ints as decimal strings) for assertions. */
export function attributesOf(list: KeyValue[] | null | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key ?? '', plainValue(kv.value)]));
}

export interface FlatSpan {
  readonly service: unknown;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly startNs: string;
  readonly attributes: Record<string, unknown>;
}

export function flattenSpans(request: TracesRequest): FlatSpan[] {
  const out: FlatSpan[] = [];
  for (const rs of request.resourceSpans ?? []) {
    const service = attributesOf(rs.resource?.attributes)['service.name'];
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          service, traceId: bytesToHex(s.traceId), spanId: bytesToHex(s.spanId), parentSpanId: bytesToHex(s.parentSpanId),
          name: s.name ?? '', startNs: int64ToBigInt(s.startTimeUnixNano).toString(), attributes: attributesOf(s.attributes),
        });
      }
    }
  }
  return out;
}

export interface FlatPoint {
  readonly service: unknown;
  readonly metric: string;
  readonly kind: string;
  readonly attributes: Record<string, unknown>;
}

export function flattenPoints(request: MetricsRequest): FlatPoint[] {
  const out: FlatPoint[] = [];
  for (const rm of request.resourceMetrics ?? []) {
    const service = attributesOf(rm.resource?.attributes)['service.name'];
    for (const sm of rm.scopeMetrics ?? []) {
      for (const m of sm.metrics ?? []) {
        for (const kind of metricDataKinds) {
          for (const p of m[kind]?.dataPoints ?? []) out.push({ service, metric: m.name ?? '', kind, attributes: attributesOf(p.attributes) });
        }
      }
    }
  }
  return out;
}
