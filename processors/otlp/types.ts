/**
 * The shapes of decoded OTLP messages, as far as nodefarm reads them. Both decoders (protobuf and JSON)
 * produce protobufjs message objects of these shapes; fields the gateway never reads are carried along
 * untouched because whole sub-messages are re-encoded as they came.
 */

/** A 64-bit integer as protobufjs hands it out: a Long when the `long` package is present, else a number. */
export type Int64 = number | string | { readonly low: number; readonly high: number; readonly unsigned?: boolean };

export interface AnyValue {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: Int64 | null;
  doubleValue?: number | null;
  arrayValue?: { values?: AnyValue[] | null } | null;
  kvlistValue?: { values?: KeyValue[] | null } | null;
  bytesValue?: Uint8Array | null;
  /** Name of the member that is set (protobufjs virtual oneof property). */
  value?: string;
}

export interface KeyValue {
  key?: string | null;
  value?: AnyValue | null;
}

export interface Resource {
  attributes?: KeyValue[] | null;
  droppedAttributesCount?: number | null;
}

export interface InstrumentationScope {
  name?: string | null;
  version?: string | null;
  attributes?: KeyValue[] | null;
}

export interface SpanEvent {
  timeUnixNano?: Int64 | null;
  name?: string | null;
  attributes?: KeyValue[] | null;
}

export interface SpanLink {
  traceId?: Uint8Array | null;
  spanId?: Uint8Array | null;
  attributes?: KeyValue[] | null;
}

export interface Span {
  traceId?: Uint8Array | null;
  spanId?: Uint8Array | null;
  parentSpanId?: Uint8Array | null;
  name?: string | null;
  kind?: number | null;
  startTimeUnixNano?: Int64 | null;
  endTimeUnixNano?: Int64 | null;
  attributes?: KeyValue[] | null;
  events?: SpanEvent[] | null;
  links?: SpanLink[] | null;
  status?: { message?: string | null; code?: number | null } | null;
}

export interface ScopeSpans {
  scope?: InstrumentationScope | null;
  spans?: Span[] | null;
  schemaUrl?: string | null;
}

export interface ResourceSpans {
  resource?: Resource | null;
  scopeSpans?: ScopeSpans[] | null;
  schemaUrl?: string | null;
}

export interface TracesRequest {
  resourceSpans?: ResourceSpans[] | null;
}

export interface Exemplar {
  filteredAttributes?: KeyValue[] | null;
  timeUnixNano?: Int64 | null;
  spanId?: Uint8Array | null;
  traceId?: Uint8Array | null;
}

/** Any of the five data point kinds; only the fields common to all are typed. */
export interface DataPoint {
  attributes?: KeyValue[] | null;
  startTimeUnixNano?: Int64 | null;
  timeUnixNano?: Int64 | null;
  exemplars?: Exemplar[] | null;
}

export interface MetricData {
  dataPoints?: DataPoint[] | null;
  aggregationTemporality?: number | null;
  isMonotonic?: boolean | null;
}

/** The names of the `data` oneof of a Metric. */
export const metricDataKinds = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;
export type MetricDataKind = (typeof metricDataKinds)[number];

export interface Metric {
  name?: string | null;
  description?: string | null;
  unit?: string | null;
  gauge?: MetricData | null;
  sum?: MetricData | null;
  histogram?: MetricData | null;
  exponentialHistogram?: MetricData | null;
  summary?: MetricData | null;
  metadata?: KeyValue[] | null;
}

export interface ScopeMetrics {
  scope?: InstrumentationScope | null;
  metrics?: Metric[] | null;
  schemaUrl?: string | null;
}

export interface ResourceMetrics {
  resource?: Resource | null;
  scopeMetrics?: ScopeMetrics[] | null;
  schemaUrl?: string | null;
}

export interface MetricsRequest {
  resourceMetrics?: ResourceMetrics[] | null;
}

/** Which OTLP signal a request carries. */
export type Signal = 'traces' | 'metrics';
