import { int64ToBigInt } from '../otlp/int64.ts';
import type { DataPoint, MetricsRequest } from '../otlp/types.ts';
import { attributeArrays, lookup, uintOf } from './attributes.ts';
import { dateTimeOf, rowLine, uint64Text } from './row-types.ts';
import type { RecordSource, Row } from './row-types.ts';
import { resourceColumns } from './resource-columns.ts';

/** A number data point's value: `asDouble` or `asInt` (the oneof protobufjs names `value`). */
interface NumberPoint extends DataPoint {
  asDouble?: number | null;
  asInt?: Parameters<typeof int64ToBigInt>[0];
  value?: string;
}

/**
 * The `metrics` rows of one Kafka record: one per gauge or sum data point (histograms and summaries are not
 * stored yet). `worker_pid` comes from the point's `iisnode.node_pid` attribute and is 0 for host points.
 */
export function metricRows(request: MetricsRequest, src: RecordSource): Row[] {
  const rows: Row[] = [];
  for (const rm of request.resourceMetrics ?? []) {
    const res = resourceColumns(attributeArrays(rm.resource?.attributes));
    // A worker's own metrics (the preload) name the host in `iisnode.worker_pid`; the host's carry only `process.pid`.
    const hostPid = uintOf(lookup('iisnode.worker_pid', res.attrs) ?? lookup('process.pid', res.attrs), 4_294_967_295);
    for (const sm of rm.scopeMetrics ?? []) {
      for (const metric of sm.metrics ?? []) {
        const type = metric.gauge ? 'gauge' : metric.sum ? 'sum' : undefined;
        const data = metric.gauge ?? metric.sum;
        if (!type || !data) continue;
        for (const point of (data.dataPoints ?? []) as NumberPoint[]) {
          const attrs = attributeArrays(point.attributes);
          const timeNs = int64ToBigInt(point.timeUnixNano);
          const at = dateTimeOf(timeNs);
          const startNs = int64ToBigInt(point.startTimeUnixNano);
          const value = point.value === 'asInt' || (point.asInt != null && point.asDouble == null)
            ? Number(int64ToBigInt(point.asInt)) : Number(point.asDouble ?? 0);
          const seq = rows.length;
          const out = {
            time: at.text,
            time_ns: uint64Text(timeNs),
            start_time_ns: uint64Text(startNs),
            name: metric.name ?? '',
            type,
            unit: metric.unit ?? '',
            temporality: type === 'sum' ? clampU8(data.aggregationTemporality) : 0,
            is_monotonic: type === 'sum' && data.isMonotonic ? 1 : 0,
            // JSON has no NaN/Infinity; ClickHouse reads them as quoted text.
            value: Number.isFinite(value) ? value : String(value).toLowerCase(),
            farm: res.farm, server: res.server, app: res.app, instance_id: res.instance_id, environment: res.environment,
            host_pid: hostPid,
            worker_pid: uintOf(lookup('iisnode.node_pid', attrs), 4_294_967_295),
            attr_keys: attrs.keys, attr_values: attrs.values,
            resource_keys: res.attrs.keys, resource_values: res.attrs.values,
            scope_name: sm.scope?.name ?? '',
            source: 'otlp',
            kafka_partition: src.partition,
            kafka_offset: src.offset,
            kafka_seq: seq,
          };
          rows.push({ table: 'metrics', seq, time: at.seconds, line: rowLine(out) });
        }
      }
    }
  }
  return rows;
}

function clampU8(v: number | null | undefined): number {
  return typeof v === 'number' && v >= 0 && v <= 255 ? Math.trunc(v) : 0;
}
