import { encodeTracesRequest } from '../otlp/encode.ts';
import { bytesToHex } from '../otlp/hex.ts';
import type { ResourceSpans, ScopeSpans, Span, TracesRequest } from '../otlp/types.ts';
import type { OutgoingRecord } from '../kafka/batching-producer.ts';
import { keyPartition } from '../kafka/key-partition.ts';
import type { RejectionTally } from './item-rules.ts';
import { recordHeaders } from './record-headers.ts';
import { packBySize } from './pack-by-size.ts';

interface Leaf {
  readonly resource: number;
  readonly scope: number;
  readonly span: Span;
}

/** Rebuilds the resource batches holding only `leaves`, keeping each span under its original resource and scope. */
function rebuild(request: TracesRequest, leaves: readonly Leaf[]): ResourceSpans[] {
  const byResource = new Map<number, Map<number, Span[]>>();
  for (const leaf of leaves) {
    let scopes = byResource.get(leaf.resource);
    if (!scopes) byResource.set(leaf.resource, (scopes = new Map()));
    const list = scopes.get(leaf.scope);
    if (list) list.push(leaf.span);
    else scopes.set(leaf.scope, [leaf.span]);
  }
  const all = request.resourceSpans ?? [];
  return [...byResource].map(([r, scopes]) => {
    const rs = all[r] as ResourceSpans;
    const originals = rs.scopeSpans ?? [];
    const scopeSpans: ScopeSpans[] = [...scopes].map(([i, spans]) => {
      const original = originals[i];
      return { scope: original?.scope ?? null, schemaUrl: original?.schemaUrl ?? '', spans };
    });
    return { resource: rs.resource ?? null, schemaUrl: rs.schemaUrl ?? '', scopeSpans };
  });
}

/**
 * Turns a filtered traces request into Kafka records. With the topic's partition count known, the spans are
 * grouped by the partition their trace id (as a key) maps to, one record per partition, keyed by one trace id
 * of the group: the default partitioner then sends the record exactly where each of its traces' own key
 * would, so every span of a trace, and every resent copy of a span, still lands in the same partition.
 * Without the count (before the first connection), one record per trace id. A group too large for one record
 * is split across several with the same key; a single span larger than `maxMessageBytes` is rejected into
 * `tally`. Returns the records and the spans they hold.
 */
export function spansToRecords(request: TracesRequest, topic: string, maxMessageBytes: number, tally: RejectionTally,
  partitions?: number): { records: OutgoingRecord[]; spans: number } {
  const records: OutgoingRecord[] = [];
  let spans = 0;
  const headers = recordHeaders('traces');
  // Group → [key, leaves]; the group is the partition, or the trace id itself when the count is unknown.
  const groups = new Map<number | string, { key: string; leaves: Leaf[] }>();
  // The spans of a trace are usually adjacent: hash each trace id once per run of spans.
  let lastTrace = '';
  let lastGroup: { key: string; leaves: Leaf[] } | undefined;
  (request.resourceSpans ?? []).forEach((rs, resource) => {
    (rs.scopeSpans ?? []).forEach((ss, scope) => {
      for (const span of ss.spans ?? []) {
        const trace = bytesToHex(span.traceId);
        if (trace !== lastTrace || !lastGroup) {
          const id = partitions ? keyPartition(trace, partitions) : trace;
          lastGroup = groups.get(id);
          if (!lastGroup) groups.set(id, (lastGroup = { key: trace, leaves: [] }));
          lastTrace = trace;
        }
        lastGroup.leaves.push({ resource, scope, span });
      }
    });
  });
  for (const { key, leaves } of groups.values()) {
    packBySize(
      leaves,
      (part) => encodeTracesRequest(rebuild(request, part)),
      maxMessageBytes,
      (value, part) => {
        records.push({ topic, key, value, headers });
        spans += part.length;
      },
      () => tally.reject(`larger than the Kafka record limit of ${maxMessageBytes} bytes`),
    );
  }
  return { records, spans };
}
