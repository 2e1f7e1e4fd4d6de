import type { Span, TracesRequest } from '../otlp/types.ts';
import { int64ToBigInt } from '../otlp/int64.ts';
import { inTimeWindow } from './item-rules.ts';
import type { ItemRules, RejectionTally } from './item-rules.ts';
import { truncateAttributes } from './truncate-attributes.ts';

function isValidId(id: Uint8Array | null | undefined, length: number): boolean {
  return !!id && id.length === length && Array.prototype.some.call(id, (b: number) => b !== 0);
}

/** Why a span cannot be stored, or undefined when it can. */
function spanProblem(span: Span, rules: ItemRules): string | undefined {
  if (!isValidId(span.traceId, 16)) return 'with an invalid trace id (expected 16 bytes, not all zero)';
  if (!isValidId(span.spanId, 8)) return 'with an invalid span id (expected 8 bytes, not all zero)';
  const parent = span.parentSpanId;
  if (parent && parent.length > 0 && !isValidId(parent, 8)) return 'with an invalid parent span id';
  if (!inTimeWindow(span.startTimeUnixNano, rules)) return 'with a start time outside the accepted window';
  if (int64ToBigInt(span.endTimeUnixNano) < int64ToBigInt(span.startTimeUnixNano)) return 'ending before they start';
  return undefined;
}

/**
 * Removes the spans nodefarm cannot store (bad ids, timestamps far off) and cuts oversized attribute values,
 * in place; empty scopes and resources are dropped. Counts go into `tally` for the partial-success answer.
 */
export function filterSpans(request: TracesRequest, rules: ItemRules, tally: RejectionTally): number {
  let kept = 0;
  const max = rules.maxAttributeValueBytes;
  request.resourceSpans = (request.resourceSpans ?? []).filter((rs) => {
    rs.scopeSpans = (rs.scopeSpans ?? []).filter((ss) => {
      ss.spans = (ss.spans ?? []).filter((span) => {
        const problem = spanProblem(span, rules);
        if (problem) {
          tally.reject(problem);
          return false;
        }
        tally.truncated += truncateAttributes(span.attributes, max);
        for (const e of span.events ?? []) tally.truncated += truncateAttributes(e.attributes, max);
        for (const l of span.links ?? []) tally.truncated += truncateAttributes(l.attributes, max);
        return true;
      });
      if (ss.spans.length > 0) tally.truncated += truncateAttributes(ss.scope?.attributes, max);
      kept += ss.spans.length;
      return ss.spans.length > 0;
    });
    if (rs.scopeSpans.length > 0) tally.truncated += truncateAttributes(rs.resource?.attributes, max);
    return rs.scopeSpans.length > 0;
  });
  return kept;
}
