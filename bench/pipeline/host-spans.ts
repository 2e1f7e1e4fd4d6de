/**
 * Host-shaped OTLP trace batches for the pipeline benchmark: per request, the SERVER span `request` and its
 * children `pipe.connect` (with a `pipe.retry` on a few requests), `dispatch` and `response.flush`, carrying
 * the attributes collector/request-spans.ts sets, encoded by the collector's own protobuf writer so the bytes
 * match what a real host exports (one ResourceSpans per app).
 */
import { ProtoSpanBuffer } from '../../collector/encode-spans-proto.ts';
import { newSpanId, newTraceId } from '../../collector/ids.ts';
import { createResourceOf } from '../../collector/resource.ts';
import { ATTR, KIND, SPAN, STATUS } from '../../collector/semconv.ts';
import type { AttrValue, SpanRecord } from '../../collector/span-record.ts';

/** The farm every benchmark span belongs to; the marker spans use their own app inside it. */
export const BENCH_FARM = 'bench';
/** App (service.name) of the freshness marker spans; `iisnode.node_pid` carries the marker's sequence number. */
export const MARKER_APP = 'bench-marker';

const APPS = ['shop', 'api', 'admin', 'auth', 'reports', 'search'];
const PATHS = ['/', '/api/items', '/api/items/42', '/cart', '/login', '/static/app.js', '/search', '/health'];
const METHODS = ['GET', 'GET', 'GET', 'GET', 'POST', 'PUT'];
const STATUSES = [200, 200, 200, 200, 200, 200, 200, 200, 304, 404, 500];
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

const resourceOf = createResourceOf({
  farmName: BENCH_FARM, serverName: 'bench-host-1', instanceId: 'bench-instance-1', environment: 'bench',
  hostPid: 4242, extra: { 'service.version': '1.0.0' },
});

let totalRequests = 0;

function pick<T>(xs: readonly T[], i: number): T {
  return xs[i % xs.length] as T;
}

/** The 4 or 5 spans of one request that ended at `endMs` (Unix epoch ms). */
function requestSpans(app: string, endMs: number, out: SpanRecord[]): void {
  totalRequests++;
  const n = totalRequests;
  const status = pick(STATUSES, n * 7);
  const retried = n % 20 === 0;
  const totalMs = 2 + (n % 13) * 0.7;
  const start = endMs - totalMs;
  const connectMs = retried ? 0.9 : 0.05;
  const headersAt = start + connectMs + totalMs * 0.6;
  const traceId = newTraceId();
  const rootId = newSpanId();
  const connectId = newSpanId();
  const workerPid = 10_000 + (n % 4);
  const failed = status >= 500;
  const base = { app, traceId, traceState: '', statusMessage: '', events: [] };
  const attrs: Record<string, AttrValue> = {
    [ATTR.httpMethod]: pick(METHODS, n), [ATTR.urlPath]: pick(PATHS, n * 3), [ATTR.urlScheme]: 'http',
    [ATTR.httpStatus]: status, [ATTR.substatus]: 0, [ATTR.networkTransport]: 'tcp',
    [ATTR.serverAddress]: 'shop.example.com', [ATTR.userAgent]: USER_AGENT,
    [ATTR.workerPid]: 4242, [ATTR.nodePid]: workerPid, [ATTR.npRetry]: retried ? 1 : 0,
    [ATTR.workerMemWs]: 81_234, [ATTR.nodeMemWs]: 62_000 + (n % 500), [ATTR.appProcesses]: 4,
    [ATTR.processActiveReq]: 1 + (n % 3), [ATTR.appActiveReq]: 1 + (n % 9), [ATTR.workerTotalReq]: n,
    [ATTR.queueMs]: 0, [ATTR.workerId]: `${app}#${n % 4}`,
  };
  if (failed) attrs[ATTR.errorType] = String(status);
  out.push({
    ...base, spanId: rootId, parentSpanId: '', name: SPAN.request, kind: KIND.server, start, end: endMs,
    attributes: attrs, statusCode: failed ? STATUS.error : STATUS.unset, statusMessage: failed ? `${status}.0` : '',
  });
  out.push({
    ...base, spanId: connectId, parentSpanId: rootId, name: SPAN.pipeConnect, kind: KIND.internal,
    start, end: start + connectMs, statusCode: STATUS.unset,
    attributes: {
      [ATTR.pooled]: !retried, [ATTR.reconnected]: false, [ATTR.attempts]: retried ? 2 : 0,
      [ATTR.npRetry]: retried ? 1 : 0, [ATTR.nodePid]: workerPid,
    },
  });
  if (retried) {
    out.push({
      ...base, spanId: newSpanId(), parentSpanId: connectId, name: SPAN.pipeRetry, kind: KIND.internal,
      start: start + 0.1, end: start + 0.8, statusCode: STATUS.unset,
      attributes: { [ATTR.retryAttempt]: 1, [ATTR.errorType]: 'ECONNREFUSED', [ATTR.errno]: 111 },
    });
  }
  out.push({
    ...base, spanId: newSpanId(), parentSpanId: rootId, name: SPAN.dispatch, kind: KIND.client,
    start: start + connectMs, end: headersAt, statusCode: STATUS.unset,
    attributes: { [ATTR.nodePid]: workerPid, [ATTR.requestBytes]: n % 5 === 0 ? 512 : 0 },
  });
  out.push({
    ...base, spanId: newSpanId(), parentSpanId: rootId, name: SPAN.responseFlush, kind: KIND.internal,
    start: headersAt, end: endMs, statusCode: STATUS.unset,
    attributes: {
      [ATTR.bodyBytes]: 1_000 + (n % 40) * 100, [ATTR.chunks]: 1 + (n % 3), [ATTR.flushes]: 1,
      [ATTR.flushResponse]: false,
    },
  });
}

/** One encoded ExportTraceServiceRequest and how many spans it holds. */
export interface EncodedBatch {
  readonly body: Uint8Array;
  readonly spans: number;
}

/** A batch of about `spans` spans (whole requests, so it may hold a few more), ending now, spread over the apps. */
export function hostBatch(spans: number): EncodedBatch {
  const buffer = new ProtoSpanBuffer();
  const records: SpanRecord[] = [];
  const now = Date.now();
  let i = 0;
  while (records.length < spans) {
    // Requests ended over the last second, as a host's export batch collects them.
    requestSpans(pick(APPS, i), now - ((spans - records.length) % 1000), records);
    i++;
  }
  for (const r of records) buffer.add(r);
  return { body: buffer.seal(resourceOf), spans: records.length };
}

/** A one-span batch: the SERVER span of the freshness marker `seq`, ending at `endMs`. */
export function markerBatch(seq: number, endMs: number): EncodedBatch {
  const buffer = new ProtoSpanBuffer();
  buffer.add({
    app: MARKER_APP, traceId: newTraceId(), spanId: newSpanId(), parentSpanId: '', traceState: '',
    name: SPAN.request, kind: KIND.server, start: endMs - 1, end: endMs, statusCode: STATUS.unset,
    statusMessage: '', events: [],
    attributes: { [ATTR.httpMethod]: 'GET', [ATTR.urlPath]: '/marker', [ATTR.httpStatus]: 200, [ATTR.nodePid]: seq },
  });
  return { body: buffer.seal(resourceOf), spans: 1 };
}
