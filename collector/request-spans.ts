import { constants } from 'node:os';
import type { ForwardOutcome, ProxyRequest } from '../host/proxy/index.ts';
import type { RequestTrace } from './request-context.ts';
import { ATTR, KIND, SPAN, STATUS } from './semconv.ts';
import type { AttrValue, SpanRecord } from './span-record.ts';
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

/** The request-level attributes shared by request spans and rejected-request spans. */
export function httpAttributes(req: ProxyRequest, status: number, substatus: number): Record<string, AttrValue> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const hostHeader = req.headers.host ?? '';
  const colon = hostHeader.startsWith('[') ? hostHeader.indexOf(']') + 1 : hostHeader.indexOf(':');
  const attrs: Record<string, AttrValue> = {
    [ATTR.httpMethod]: req.method ?? '',
    [ATTR.urlPath]: q < 0 ? url : url.slice(0, q),
    [ATTR.urlScheme]: (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http',
    [ATTR.httpStatus]: status,
    [ATTR.substatus]: substatus,
    [ATTR.networkTransport]: 'tcp',
  };
  if (hostHeader) attrs[ATTR.serverAddress] = colon > 0 ? hostHeader.slice(0, colon) : hostHeader;
  const ua = req.headers['user-agent'];
  if (ua) attrs[ATTR.userAgent] = ua;
  return attrs;
}

/**
 * The spans of one forwarded request, built after the exchange from the outcome's timeline: the SERVER span
 * and its children `pipe.connect` (with one `pipe.retry` per retry wait), `dispatch` and `response.flush`.
 */
export function requestSpans(app: string, workerId: string, upgrade: boolean, req: ProxyRequest,
  o: ForwardOutcome, receivedAt: number, trace: RequestTrace, facts: RequestFacts): SpanRecord[] {
  const t0 = o.startedAt;
  const end = t0 + o.totalMs;
  const failed = isFailure(o.status, o);
  const errnoNum = errnoNumber(o.errno);
  const attrs = httpAttributes(req, o.status, o.substatus);
  // The host pid is also the resource's process.pid; iisnode.worker_pid carries it on the span, as in iisnode.
  attrs[ATTR.workerPid] = facts.hostPid;
  attrs[ATTR.nodePid] = o.workerPid;
  attrs[ATTR.npRetry] = o.retries;
  attrs[ATTR.workerMemWs] = facts.hostRssKb;
  if (facts.workerRssKb !== undefined) attrs[ATTR.nodeMemWs] = facts.workerRssKb;
  attrs[ATTR.appProcesses] = facts.appProcesses;
  attrs[ATTR.processActiveReq] = facts.processActive;
  attrs[ATTR.appActiveReq] = facts.appActive;
  attrs[ATTR.workerTotalReq] = facts.totalRequests;
  attrs[ATTR.queueMs] = Math.max(0, t0 - receivedAt);
  attrs[ATTR.workerId] = workerId;
  if (o.errno) {
    attrs[ATTR.errorType] = o.errno;
    attrs[ATTR.errno] = errnoNum;
  } else if (failed) attrs[ATTR.errorType] = String(o.status);
  if (o.hostError) attrs[ATTR.hostError] = true;
  if (o.truncated) attrs[ATTR.truncated] = true;
  if (o.clientAborted) attrs[ATTR.clientAborted] = true;
  if (upgrade) attrs[ATTR.upgrade] = true;

  const base = { app, traceId: trace.traceId, traceState: trace.traceState, statusMessage: '', events: [] };
  const spans: SpanRecord[] = [{
    ...base, spanId: trace.spanId, parentSpanId: trace.parentSpanId, name: SPAN.request, kind: KIND.server,
    start: epochMs(receivedAt), end: epochMs(end), attributes: attrs,
    statusCode: failed ? STATUS.error : STATUS.unset,
    statusMessage: failed ? `${o.status}.${o.substatus}${o.errno ? ` ${o.errno}` : ''}` : '',
  }];

  const connectEnd = t0 + o.connectMs;
  const connectId = newSpanId();
  const connectFailed = o.hostError && o.headersMs === 0 && (o.substatus === 1001 || o.substatus === 1002 || o.substatus === 1003);
  spans.push({
    ...base, spanId: connectId, parentSpanId: trace.spanId, name: SPAN.pipeConnect, kind: KIND.internal,
    start: epochMs(t0), end: epochMs(connectEnd),
    attributes: {
      [ATTR.pooled]: o.pooled, [ATTR.reconnected]: o.reconnected, [ATTR.attempts]: o.retries + (o.pooled ? 0 : 1),
      [ATTR.npRetry]: o.retries, [ATTR.nodePid]: o.workerPid,
      ...(connectFailed && o.errno ? { [ATTR.errorType]: o.errno, [ATTR.errno]: errnoNum } : {}),
    },
    statusCode: connectFailed ? STATUS.error : STATUS.unset,
    statusMessage: connectFailed ? `${o.status}.${o.substatus}` : '',
  });
  const waits = o.retryWaits ?? [];
  const errnos = o.retryErrnos ?? [];
  for (let i = 0; i + 1 < waits.length; i += 2) {
    const code = errnos[i / 2] ?? '';
    spans.push({
      ...base, spanId: newSpanId(), parentSpanId: connectId, name: SPAN.pipeRetry, kind: KIND.internal,
      start: epochMs(t0 + waits[i]!), end: epochMs(t0 + waits[i + 1]!),
      attributes: { [ATTR.retryAttempt]: i / 2 + 1, [ATTR.errorType]: code, [ATTR.errno]: errnoNumber(code) },
      statusCode: STATUS.unset,
    });
  }
  if (!connectFailed && !(o.status === 499 && o.headersMs === 0 && o.bytesIn === 0 && o.connectMs >= o.totalMs)) {
    const headersAt = o.headersMs > 0 ? t0 + o.headersMs : end;
    spans.push({
      ...base, spanId: trace.dispatchSpanId, parentSpanId: trace.spanId, name: SPAN.dispatch, kind: KIND.client,
      start: epochMs(connectEnd), end: epochMs(headersAt),
      attributes: { [ATTR.nodePid]: o.workerPid, [ATTR.requestBytes]: o.bytesIn },
      statusCode: o.headersMs > 0 ? STATUS.unset : (failed ? STATUS.error : STATUS.unset),
    });
    if (o.headersMs > 0 && !upgrade) {
      spans.push({
        ...base, spanId: newSpanId(), parentSpanId: trace.spanId, name: SPAN.responseFlush, kind: KIND.internal,
        start: epochMs(headersAt), end: epochMs(end),
        attributes: {
          [ATTR.bodyBytes]: o.bytesOut, [ATTR.chunks]: o.chunks, [ATTR.flushes]: o.flushes,
          [ATTR.flushResponse]: facts.flushResponse, ...(o.truncated ? { [ATTR.truncated]: true } : {}),
        },
        statusCode: o.truncated ? STATUS.error : STATUS.unset,
        statusMessage: o.truncated ? `${o.status}.${o.substatus}` : '',
      });
    }
  }
  return spans;
}
