import { createHash } from 'node:crypto';
import { encodeMetricsRequest } from '../otlp/encode.ts';
import { otlpSchema } from '../otlp/otlp-schema.ts';
import type { DataPoint, Metric, MetricsRequest, ResourceMetrics, ScopeMetrics } from '../otlp/types.ts';
import type { OutgoingRecord } from '../kafka/batching-producer.ts';
import { metricData } from './filter-metrics.ts';
import type { RejectionTally } from './item-rules.ts';
import { recordHeaders } from './record-headers.ts';
import { packBySize } from './pack-by-size.ts';

interface Leaf {
  readonly scope: number;
  readonly metric: number;
  readonly point: DataPoint;
}

/** A copy of `metric` whose data holds only `points` (same kind, temporality and monotonicity). */
function withPoints(metric: Metric, points: DataPoint[]): Metric {
  const found = metricData(metric);
  const copy: Metric = { name: metric.name ?? '', description: metric.description ?? '', unit: metric.unit ?? '', metadata: metric.metadata ?? [] };
  if (found) {
    copy[found.kind] = {
      aggregationTemporality: found.data.aggregationTemporality ?? 0,
      isMonotonic: found.data.isMonotonic ?? false,
      dataPoints: points,
    };
  }
  return copy;
}

function rebuild(rm: ResourceMetrics, leaves: readonly Leaf[]): ResourceMetrics {
  const byScope = new Map<number, Map<number, DataPoint[]>>();
  for (const leaf of leaves) {
    let metrics = byScope.get(leaf.scope);
    if (!metrics) byScope.set(leaf.scope, (metrics = new Map()));
    const points = metrics.get(leaf.metric);
    if (points) points.push(leaf.point);
    else metrics.set(leaf.metric, [leaf.point]);
  }
  const scopes = rm.scopeMetrics ?? [];
  const scopeMetrics: ScopeMetrics[] = [...byScope].map(([i, metrics]) => {
    const original = scopes[i];
    const list = original?.metrics ?? [];
    return {
      scope: original?.scope ?? null,
      schemaUrl: original?.schemaUrl ?? '',
      metrics: [...metrics].map(([m, points]) => withPoints(list[m] ?? {}, points)),
    };
  });
  return { resource: rm.resource ?? null, schemaUrl: rm.schemaUrl ?? '', scopeMetrics };
}

/** Key of a resource's records: the same resource always maps to the same partition, keeping its series in order. */
function resourceKey(rm: ResourceMetrics): string {
  const encoded = otlpSchema().Resource.encode(rm.resource ?? {}).finish();
  return createHash('sha256').update(encoded).digest('hex').slice(0, 32);
}

/**
 * Turns a filtered metrics request into Kafka records: one record per resource batch (split by data point
 * below `maxMessageBytes` when needed), keyed by a hash of the resource. A single data point that does not
 * fit is rejected into `tally`. Returns the records and the data points they hold.
 */
export function metricsToRecords(request: MetricsRequest, topic: string, maxMessageBytes: number, tally: RejectionTally): {
  records: OutgoingRecord[];
  points: number;
} {
  const records: OutgoingRecord[] = [];
  let points = 0;
  const headers = recordHeaders('metrics');
  for (const rm of request.resourceMetrics ?? []) {
    const leaves: Leaf[] = [];
    (rm.scopeMetrics ?? []).forEach((sm, scope) => {
      (sm.metrics ?? []).forEach((m, metric) => {
        for (const point of metricData(m)?.data.dataPoints ?? []) leaves.push({ scope, metric, point });
      });
    });
    const key = resourceKey(rm);
    packBySize(
      leaves,
      (part) => encodeMetricsRequest([rebuild(rm, part)]),
      maxMessageBytes,
      (value, part) => {
        records.push({ topic, key, value, headers });
        points += part.length;
      },
      () => tally.reject(`larger than the Kafka record limit of ${maxMessageBytes} bytes`),
    );
  }
  return { records, points };
}
