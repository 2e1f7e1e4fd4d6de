import type { Signal } from '../otlp/types.ts';

/** Counters the gateway keeps since start (exposed by `gateway.stats()`). */
export interface ExportCounters {
  /** Export requests answered, by signal. */
  requests: Record<Signal, number>;
  /** Spans / data points acknowledged by Kafka. */
  accepted: Record<Signal, number>;
  /** Spans / data points refused in partial-success answers. */
  rejected: Record<Signal, number>;
  /** Attribute values cut to the configured cap. */
  truncatedValues: number;
  /** Answers by HTTP status (all routes). */
  byStatus: Record<string, number>;
}

export function createCounters(): ExportCounters {
  return {
    requests: { traces: 0, metrics: 0 },
    accepted: { traces: 0, metrics: 0 },
    rejected: { traces: 0, metrics: 0 },
    truncatedValues: 0,
    byStatus: {},
  };
}
