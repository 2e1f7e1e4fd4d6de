import type { DataPoint, Metric, MetricData, MetricsRequest } from '../otlp/types.ts';
import { metricDataKinds } from '../otlp/types.ts';
import { inTimeWindow } from './item-rules.ts';
import type { ItemRules, RejectionTally } from './item-rules.ts';
import { truncateAttributes } from './truncate-attributes.ts';

/** The set member of a Metric's `data` oneof. */
export function metricData(metric: Metric): { kind: (typeof metricDataKinds)[number]; data: MetricData } | undefined {
  for (const kind of metricDataKinds) {
    const data = metric[kind];
    if (data) return { kind, data };
  }
  return undefined;
}

function keepPoint(point: DataPoint, rules: ItemRules, tally: RejectionTally): boolean {
  if (!inTimeWindow(point.timeUnixNano, rules)) {
    tally.reject('with a time outside the accepted window');
    return false;
  }
  tally.truncated += truncateAttributes(point.attributes, rules.maxAttributeValueBytes);
  for (const ex of point.exemplars ?? []) tally.truncated += truncateAttributes(ex.filteredAttributes, rules.maxAttributeValueBytes);
  return true;
}

/**
 * Removes the data points nodefarm cannot store (unnamed metrics, times far off) and cuts oversized attribute
 * values, in place; metrics, scopes and resources left empty are dropped. Returns the data points kept.
 */
export function filterMetrics(request: MetricsRequest, rules: ItemRules, tally: RejectionTally): number {
  let kept = 0;
  const max = rules.maxAttributeValueBytes;
  request.resourceMetrics = (request.resourceMetrics ?? []).filter((rm) => {
    rm.scopeMetrics = (rm.scopeMetrics ?? []).filter((sm) => {
      sm.metrics = (sm.metrics ?? []).filter((metric) => {
        const found = metricData(metric);
        if (!found) return false; // no data: nothing to store, nothing to count
        const points = found.data.dataPoints ?? [];
        if (!metric.name) {
          tally.reject('of metrics without a name', points.length);
          return false;
        }
        found.data.dataPoints = points.filter((p) => keepPoint(p, rules, tally));
        kept += found.data.dataPoints.length;
        return found.data.dataPoints.length > 0;
      });
      if (sm.metrics.length > 0) tally.truncated += truncateAttributes(sm.scope?.attributes, max);
      return sm.metrics.length > 0;
    });
    if (rm.scopeMetrics.length > 0) tally.truncated += truncateAttributes(rm.resource?.attributes, max);
    return rm.scopeMetrics.length > 0;
  });
  return kept;
}
