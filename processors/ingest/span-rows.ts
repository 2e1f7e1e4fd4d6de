import { bytesToHex } from '../otlp/hex.ts';
import { int64ToBigInt } from '../otlp/int64.ts';
import type { Span, TracesRequest } from '../otlp/types.ts';
import { attributeArrays, int64Of, lookup, uintOf } from './attributes.ts';
import type { AttributeArrays } from './attributes.ts';
import { dateTimeOf, rowLine, uint64Text } from './row-types.ts';
import type { RecordSource, Row } from './row-types.ts';
import { workerEventRow } from './worker-event-row.ts';
import { pidsOf, resourceColumns } from './resource-columns.ts';
import type { ResourceColumns } from './resource-columns.ts';

const U16 = 65_535;

/**
 * The `spans` rows of one Kafka record (and the `worker_events` rows of its lifecycle spans), in the order the
 * spans appear; `kafka_seq` numbers each table's rows from 0 so a replayed record yields the same identities.
 */
export function spanRows(request: TracesRequest, src: RecordSource): { spans: Row[]; workers: Row[] } {
  const spans: Row[] = [];
  const workers: Row[] = [];
  for (const rs of request.resourceSpans ?? []) {
    const resource = resourceColumns(attributeArrays(rs.resource?.attributes));
    for (const ss of rs.scopeSpans ?? []) {
      const scopeName = ss.scope?.name ?? '';
      const scopeVersion = ss.scope?.version ?? '';
      for (const span of ss.spans ?? []) {
        const row = oneSpan(span, resource, scopeName, scopeVersion, src, spans.length);
        spans.push(row.row);
        const worker = workerEventRow(span, row.attrs, resource, src, workers.length, row.row.seq);
        if (worker) workers.push(worker);
      }
    }
  }
  return { spans, workers };
}

function oneSpan(span: Span, res: ResourceColumns, scopeName: string, scopeVersion: string, src: RecordSource, seq: number):
  { row: Row; attrs: AttributeArrays } {
  const attrs = attributeArrays(span.attributes);
  const startNs = int64ToBigInt(span.startTimeUnixNano);
  const endNs = int64ToBigInt(span.endTimeUnixNano);
  const start = dateTimeOf(startNs);
  const traceId = bytesToHex(span.traceId);
  const spanId = bytesToHex(span.spanId);
  const get = (k: string): string | undefined => lookup(k, attrs);
  const events = span.events ?? [];
  const links = span.links ?? [];
  const eventAttrs = events.map((e) => attributeArrays(e.attributes));
  const linkAttrs = links.map((l) => attributeArrays(l.attributes));
  // Most spans have no events and no links: their nine empty arrays are left out of the line (190 characters,
  // nine columns fewer to parse). ClickHouse fills an omitted column that has no DEFAULT with its type's
  // default, the empty array, on 18.16 and on current engines alike.
  const out: Record<string, unknown> = {
    start_time: start.text,
    start_time_ns: uint64Text(startNs),
    duration_ns: endNs > startNs ? (endNs - startNs).toString() : '0',
    trace_id: traceId,
    span_id: spanId,
    parent_span_id: bytesToHex(span.parentSpanId),
    trace_state: (span as { traceState?: string | null }).traceState ?? '',
    name: span.name ?? '',
    kind: clampU8(span.kind),
    status_code: clampU8(span.status?.code),
    status_message: span.status?.message ?? '',
    farm: res.farm, server: res.server, app: res.app, instance_id: res.instance_id, environment: res.environment,
    ...pidsOf(attrs, res.attrs),
    http_method: get('http.request.method') ?? '',
    url_path: get('url.path') ?? '',
    http_status: uintOf(get('http.response.status_code'), U16),
    substatus: uintOf(get('iisnode.substatus'), U16),
    errno: int64Of(get('iisnode.hresult') ?? get('iisnode.errno')),
    np_retry: uintOf(get('iisnode.np_retry'), U16),
    scope_name: scopeName,
    scope_version: scopeVersion,
    attr_keys: attrs.keys, attr_values: attrs.values,
    resource_keys: res.attrs.keys, resource_values: res.attrs.values,
    source: 'otlp',
    kafka_partition: src.partition,
    kafka_offset: src.offset,
    kafka_seq: seq,
  };
  if (events.length > 0) {
    out['events.time_ns'] = events.map((e) => uint64Text(int64ToBigInt(e.timeUnixNano)));
    out['events.name'] = events.map((e) => e.name ?? '');
    out['events.attr_keys'] = eventAttrs.map((a) => a.keys);
    out['events.attr_values'] = eventAttrs.map((a) => a.values);
  }
  if (links.length > 0) {
    out['links.trace_id'] = links.map((l) => bytesToHex(l.traceId));
    out['links.span_id'] = links.map((l) => bytesToHex(l.spanId));
    out['links.trace_state'] = links.map((l) => (l as { traceState?: string | null }).traceState ?? '');
    out['links.attr_keys'] = linkAttrs.map((a) => a.keys);
    out['links.attr_values'] = linkAttrs.map((a) => a.values);
  }
  return { row: { table: 'spans', seq, time: start.seconds, spanKey: traceId + spanId, line: rowLine(out) }, attrs };
}

function clampU8(v: number | null | undefined): number {
  return typeof v === 'number' && v >= 0 && v <= 255 ? Math.trunc(v) : 0;
}
