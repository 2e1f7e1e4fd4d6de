import type { RejectedEvent } from '../host/server/channels.ts';
import type { RequestTrace } from './request-context.ts';
import { httpAttributes, isFailure } from './request-spans.ts';
import { ATTR, KIND, SPAN, STATUS } from './semconv.ts';
import type { SpanRecord } from './span-record.ts';
import { epochMs } from './time.ts';

/**
 * The SERVER span of a request the host answered itself (503.1000 queue full, 503.1001/1002, 499 gone while
 * queued): no children, the reason as `nodefarm.reject_reason`. `endedAt` is a `performance.now()` value.
 */
export function rejectedSpan(e: RejectedEvent, app: string, trace: RequestTrace, hostPid: number, endedAt: number): SpanRecord {
  const failed = isFailure(e.status);
  const attrs = httpAttributes(e.req, e.status, e.substatus);
  attrs[ATTR.workerPid] = hostPid;
  attrs[ATTR.rejectReason] = e.reason;
  attrs[ATTR.hostError] = true;
  if (e.upgrade) attrs[ATTR.upgrade] = true;
  if (failed) attrs[ATTR.errorType] = String(e.status);
  return {
    app, traceId: trace.traceId, spanId: trace.spanId, parentSpanId: trace.parentSpanId, traceState: trace.traceState,
    name: SPAN.request, kind: KIND.server, start: epochMs(e.receivedAt), end: epochMs(endedAt),
    attributes: attrs, statusCode: failed ? STATUS.error : STATUS.unset,
    statusMessage: failed ? `${e.status}.${e.substatus} ${e.reason}` : '', events: [],
  };
}
