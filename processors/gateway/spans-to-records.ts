import { encodeTracesRequest } from '../otlp/encode.ts';
import { bytesToHex } from '../otlp/hex.ts';
import type { ResourceSpans, ScopeSpans, Span, TracesRequest } from '../otlp/types.ts';
import type { OutgoingRecord } from '../kafka/batching-producer.ts';
import type { RejectionTally } from './item-rules.ts';
import { recordHeaders } from './record-headers.ts';
import { packBySize } from './pack-by-size.ts';

interface Leaf {
  readonly scope: number;
  readonly span: Span;
}

/** Rebuilds one resource batch holding only `leaves`, keeping each span under its original scope. */
function rebuild(rs: ResourceSpans, leaves: readonly Leaf[]): ResourceSpans {
  const byScope = new Map<number, Span[]>();
  for (const leaf of leaves) {
    const list = byScope.get(leaf.scope);
    if (list) list.push(leaf.span);
    else byScope.set(leaf.scope, [leaf.span]);
  }
  const scopes = rs.scopeSpans ?? [];
  const scopeSpans: ScopeSpans[] = [...byScope].map(([i, spans]) => {
    const original = scopes[i];
    return { scope: original?.scope ?? null, schemaUrl: original?.schemaUrl ?? '', spans };
  });
  return { resource: rs.resource ?? null, schemaUrl: rs.schemaUrl ?? '', scopeSpans };
}

/**
 * Turns a filtered traces request into Kafka records: per resource batch, one record per trace id (the key,
 * lowercase hex), so that every span of a trace, and every resent copy of a span, lands in the same
 * partition. A trace too large for one record is split across several with the same key; a single span
 * larger than `maxMessageBytes` is rejected into `tally`. Returns the records and the spans they hold.
 */
export function spansToRecords(request: TracesRequest, topic: string, maxMessageBytes: number, tally: RejectionTally): {
  records: OutgoingRecord[];
  spans: number;
} {
  const records: OutgoingRecord[] = [];
  let spans = 0;
  const headers = recordHeaders('traces');
  for (const rs of request.resourceSpans ?? []) {
    const byTrace = new Map<string, Leaf[]>();
    (rs.scopeSpans ?? []).forEach((ss, scope) => {
      for (const span of ss.spans ?? []) {
        const key = bytesToHex(span.traceId);
        const list = byTrace.get(key);
        if (list) list.push({ scope, span });
        else byTrace.set(key, [{ scope, span }]);
      }
    });
    for (const [key, leaves] of byTrace) {
      packBySize(
        leaves,
        (part) => encodeTracesRequest([rebuild(rs, part)]),
        maxMessageBytes,
        (value, part) => {
          records.push({ topic, key, value, headers });
          spans += part.length;
        },
        () => tally.reject(`larger than the Kafka record limit of ${maxMessageBytes} bytes`),
      );
    }
  }
  return { records, spans };
}
