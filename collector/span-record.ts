/** An attribute value as the collector records it (encoded to OTLP AnyValue at export). */
export type AttrValue = string | number | boolean;

/** One span event (e.g. an exception). */
export interface SpanEventRecord {
  readonly name: string;
  /** Unix epoch, ms (fractional). */
  readonly time: number;
  readonly attributes: Record<string, AttrValue>;
}

/**
 * A finished span, built after the fact from recorded numbers. Times are Unix epoch milliseconds with a
 * fractional part (performance.now() resolution), converted to nanoseconds only when encoded.
 */
export interface SpanRecord {
  /** Which resource (app) the span belongs to. */
  readonly app: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly traceState: string;
  readonly name: string;
  readonly kind: number;
  readonly start: number;
  readonly end: number;
  readonly attributes: Record<string, AttrValue>;
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly events: readonly SpanEventRecord[];
}
