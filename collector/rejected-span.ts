import type { RejectedEvent } from '../host/server/channels.ts';
import type { RequestTrace } from './request-context.ts';
import { isFailure, writeHttpAttributes } from './request-spans.ts';
import { KEY } from './attr-keys.ts';
import { KIND, SPAN, STATUS } from './semconv.ts';
import type { SpanSink } from './span-sink.ts';
import { epochMs } from './time.ts';

/**
 * Writes the SERVER span of a request the host answered itself (503.1000 queue full, 503.1001/1002, 499 gone
 * while queued): no children, the reason as `nodefarm.reject_reason`. `endedAt` is a `performance.now()` value.
 */
export function writeRejectedSpan(out: SpanSink, e: RejectedEvent, app: string, trace: RequestTrace, hostPid: number, endedAt: number): void {
  const failed = isFailure(e.status);
  out.knownIds(trace.traceId, trace.spanId, trace.dispatchSpanId, trace.idBytes);
  out.begin(app, trace.traceId, trace.spanId, trace.parentSpanId, trace.traceState, SPAN.request, KIND.server,
    epochMs(e.receivedAt), epochMs(endedAt));
  writeHttpAttributes(out, e.req, e.status, e.substatus);
  out.num(KEY.workerPid, hostPid);
  out.str(KEY.rejectReason, e.reason);
  out.bool(KEY.hostError, true);
  if (e.upgrade) out.bool(KEY.upgrade, true);
  if (failed) out.str(KEY.errorType, String(e.status));
  out.end(failed ? STATUS.error : STATUS.unset, failed ? `${e.status}.${e.substatus} ${e.reason}` : '');
}
