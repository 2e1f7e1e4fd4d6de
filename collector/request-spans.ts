import { constants } from 'node:os';
import type { ForwardOutcome } from '../host/proxy/index.ts';
import type { ProxyRequest } from '../host/proxy/index.ts';
import type { RequestTrace } from './request-context.ts';
import { KEY } from './attr-keys.ts';
import { KIND, SPAN, STATUS } from './semconv.ts';
import type { SpanSink } from './span-sink.ts';
import { newSpanId } from './ids.ts';
import { epochMs } from './time.ts';

/** Host and worker facts at the end of one exchange (the iisnode-debug header's numbers). */
export interface RequestFacts {
  readonly hostPid: number;
  /** Host RSS, KB. */
  readonly hostRssKb: number;
  /** Worker RSS, KB, from the last metrics sample (undefined before the first). */
  readonly workerRssKb: number | undefined;
  /** Configured process count of the app. */
  readonly appProcesses: number;
  /** Requests held by the worker while this one was (including this one). */
  readonly processActive: number;
  /** Requests held by all workers of the app (including this one). */
  readonly appActive: number;
  /** Requests the host dispatched since start, all apps. */
  readonly totalRequests: number;
  readonly flushResponse: boolean;
}

/** A failed request: exported whatever the sampling decision. */
export function isFailure(status: number, o?: ForwardOutcome): boolean {
  return status >= 500 || (o !== undefined && (o.hostError || o.truncated));
}

/** errno code → number (positive, as in errno.h); 0 when unknown. */
export function errnoNumber(code: string | undefined): number {
  if (!code) return 0;
  return (constants.errno as Record<string, number | undefined>)[code] ?? 0;
}

/** Writes the request-level attributes shared by request spans and rejected-request spans. */
export function writeHttpAttributes(out: SpanSink, req: ProxyRequest, status: number, substatus: number): void {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const host = req.headers.host;
  const hostHeader = typeof host === 'string' ? host : '';
  const colon = hostHeader.startsWith('[') ? hostHeader.indexOf(']') + 1 : hostHeader.indexOf(':');
  out.str(KEY.httpMethod, req.method ?? '');
  out.str(KEY.urlPath, q < 0 ? url : url.slice(0, q));
  out.str(KEY.urlScheme, (req.socket as { encrypted?: boolean } | null)?.encrypted ? 'https' : 'http');
  out.num(KEY.httpStatus, status);
  out.num(KEY.substatus, substatus);
  out.str(KEY.networkTransport, 'tcp');
  if (hostHeader) out.str(KEY.serverAddress, colon > 0 ? hostHeader.slice(0, colon) : hostHeader);
  const ua = req.headers['user-agent'];
  if (typeof ua === 'string' && ua) out.str(KEY.userAgent, ua);
}

/** Which of the optional child spans an exchange has (see {@link shapeOf}). */
export interface Shape {
  /** Connecting failed: `pipe.connect` is an error and there is no `dispatch`. */
  readonly connectFailed: boolean;
  readonly dispatch: boolean;
  readonly flush: boolean;
  readonly retries: number;
  readonly spans: number;
}

/** The spans an exchange has; `spans` is how many {@link writeRequestSpans} writes (to reserve queue room first). */
export function shapeOf(upgrade: boolean, o: ForwardOutcome): Shape {
  const connectFailed = o.hostError && o.headersMs === 0 && (o.substatus === 1001 || o.substatus === 1002 || o.substatus === 1003);
  // A client gone while connecting: nothing was dispatched.
  const dispatch = !connectFailed && !(o.status === 499 && o.headersMs === 0 && o.bytesIn === 0 && o.connectMs >= o.totalMs);
  const flush = dispatch && o.headersMs > 0 && !upgrade;
  const retries = (o.retryWaits?.length ?? 0) >> 1;
  return { connectFailed, dispatch, flush, retries, spans: 2 + retries + (dispatch ? 1 : 0) + (flush ? 1 : 0) };
}

/**
 * Writes the spans of one forwarded request, built after the exchange from the outcome's timeline: the SERVER
 * span and its children `pipe.connect` (with one `pipe.retry` per retry wait), `dispatch` and `response.flush`.
 */
export function writeRequestSpans(out: SpanSink, app: string, workerId: string, upgrade: boolean, req: ProxyRequest,
  o: ForwardOutcome, shape: Shape, receivedAt: number, trace: RequestTrace, facts: RequestFacts): void {
  const t0 = o.startedAt;
  const end = t0 + o.totalMs;
  const failed = isFailure(o.status, o);
  const errnoNum = errnoNumber(o.errno);
  const { traceId, traceState } = trace;

  out.knownIds(traceId, trace.spanId, trace.dispatchSpanId, trace.idBytes);
  out.begin(app, traceId, trace.spanId, trace.parentSpanId, traceState, SPAN.request, KIND.server, epochMs(receivedAt), epochMs(end));
  writeHttpAttributes(out, req, o.status, o.substatus);
  // The host pid is also the resource's process.pid; iisnode.worker_pid carries it on the span, as in iisnode.
  out.num(KEY.workerPid, facts.hostPid);
  out.num(KEY.nodePid, o.workerPid);
  out.num(KEY.npRetry, o.retries);
  out.num(KEY.workerMemWs, facts.hostRssKb);
  if (facts.workerRssKb !== undefined) out.num(KEY.nodeMemWs, facts.workerRssKb);
  out.num(KEY.appProcesses, facts.appProcesses);
  out.num(KEY.processActiveReq, facts.processActive);
  out.num(KEY.appActiveReq, facts.appActive);
  out.num(KEY.workerTotalReq, facts.totalRequests);
  out.num(KEY.queueMs, Math.max(0, t0 - receivedAt));
  out.str(KEY.workerId, workerId);
  if (o.errno) {
    out.str(KEY.errorType, o.errno);
    out.num(KEY.errno, errnoNum);
  } else if (failed) out.str(KEY.errorType, String(o.status));
  if (o.hostError) out.bool(KEY.hostError, true);
  if (o.truncated) out.bool(KEY.truncated, true);
  if (o.clientAborted) out.bool(KEY.clientAborted, true);
  if (upgrade) out.bool(KEY.upgrade, true);
  out.end(failed ? STATUS.error : STATUS.unset, failed ? `${o.status}.${o.substatus}${o.errno ? ` ${o.errno}` : ''}` : '');

  const connectEnd = t0 + o.connectMs;
  // Only retry spans refer to pipe.connect: otherwise the sink draws its id (no hex round trip).
  const connectId = shape.retries > 0 ? newSpanId() : '';
  const { connectFailed } = shape;
  out.begin(app, traceId, connectId, trace.spanId, traceState, SPAN.pipeConnect, KIND.internal, epochMs(t0), epochMs(connectEnd));
  out.bool(KEY.pooled, o.pooled);
  out.bool(KEY.reconnected, o.reconnected);
  out.num(KEY.attempts, o.retries + (o.pooled ? 0 : 1));
  out.num(KEY.npRetry, o.retries);
  out.num(KEY.nodePid, o.workerPid);
  if (connectFailed && o.errno) {
    out.str(KEY.errorType, o.errno);
    out.num(KEY.errno, errnoNum);
  }
  out.end(connectFailed ? STATUS.error : STATUS.unset, connectFailed ? `${o.status}.${o.substatus}` : '');

  const waits = o.retryWaits ?? [];
  const errnos = o.retryErrnos ?? [];
  for (let i = 0; i < shape.retries; i++) {
    const code = errnos[i] ?? '';
    out.begin(app, traceId, '', connectId, traceState, SPAN.pipeRetry, KIND.internal,
      epochMs(t0 + waits[2 * i]!), epochMs(t0 + waits[2 * i + 1]!));
    out.num(KEY.retryAttempt, i + 1);
    out.str(KEY.errorType, code);
    out.num(KEY.errno, errnoNumber(code));
    out.end(STATUS.unset, '');
  }
  if (!shape.dispatch) return;
  const headersAt = o.headersMs > 0 ? t0 + o.headersMs : end;
  out.begin(app, traceId, trace.dispatchSpanId, trace.spanId, traceState, SPAN.dispatch, KIND.client, epochMs(connectEnd), epochMs(headersAt));
  out.num(KEY.nodePid, o.workerPid);
  out.num(KEY.requestBytes, o.bytesIn);
  out.end(o.headersMs > 0 ? STATUS.unset : (failed ? STATUS.error : STATUS.unset), '');
  if (!shape.flush) return;
  out.begin(app, traceId, '', trace.spanId, traceState, SPAN.responseFlush, KIND.internal, epochMs(headersAt), epochMs(end));
  out.num(KEY.bodyBytes, o.bytesOut);
  out.num(KEY.chunks, o.chunks);
  out.num(KEY.flushes, o.flushes);
  out.bool(KEY.flushResponse, facts.flushResponse);
  if (o.truncated) out.bool(KEY.truncated, true);
  out.end(o.truncated ? STATUS.error : STATUS.unset, o.truncated ? `${o.status}.${o.substatus}` : '');
}
