import type { ProxyRequest } from '../host/proxy/index.ts';
import { hexInto, newRequestIds } from './ids.ts';
import type { HeadSampler } from './sampler.ts';
import { formatTraceparent, parseTraceparent } from './traceparent.ts';

/** The trace identity of one request, fixed when it is first forwarded (or rejected). */
export interface RequestTrace {
  readonly traceId: string;
  /** The SERVER span. */
  readonly spanId: string;
  /** The incoming traceparent's span, or '' for a new trace. */
  readonly parentSpanId: string;
  readonly traceState: string;
  /** The `dispatch` span: the parent the worker sees in its injected traceparent. */
  readonly dispatchSpanId: string;
  /** The head sampling decision (failed requests are exported even when false). */
  readonly sampled: boolean;
  /** The trace id, the SERVER span id and the dispatch span id as bytes (16 + 8 + 8), for the encoder. */
  readonly idBytes: Uint8Array;
}

// Kept on the request object itself, in the slot ProxyRequest declares for it: cheaper than a WeakMap entry,
// whose ephemeron bookkeeping costs every garbage collection, and the lean path's requests keep their shape.
type Traced = ProxyRequest & { trace?: RequestTrace | undefined };

/**
 * The trace id of a request the collector is tracing, for the `iisnode-debug` header's `trace_id`; undefined
 * when telemetry is off or the request was not traced.
 */
export function currentTraceId(req: ProxyRequest): string | undefined {
  return (req as Traced).trace?.traceId;
}

/** The trace of a request, creating it (continuing an incoming `traceparent`) on first use. */
export function traceOf(req: ProxyRequest, sample: HeadSampler): RequestTrace {
  let trace = (req as Traced).trace;
  if (trace) return trace;
  const parent = parseTraceparent(req.headers.traceparent);
  const idBytes = new Uint8Array(32);
  const ids = newRequestIds(idBytes);
  let traceId = ids.slice(0, 32);
  if (parent) {
    traceId = parent.traceId;
    hexInto(traceId, idBytes, 0);
  }
  const state = parent ? req.headers.tracestate : undefined;
  trace = {
    traceId,
    spanId: ids.slice(32, 48),
    parentSpanId: parent?.spanId ?? '',
    traceState: typeof state === 'string' ? state : '',
    dispatchSpanId: ids.slice(48, 64),
    sampled: sample(traceId, parent),
    idBytes,
  };
  (req as Traced).trace = trace;
  return trace;
}

/**
 * The proxy's `traceHeaders` hook: fixes the request's trace and returns the `traceparent` (and `tracestate`)
 * lines the worker gets in place of the client's, so the worker continues the host's trace under `dispatch`.
 */
export function createTraceHeaderLines(sample: HeadSampler): (req: ProxyRequest) => string {
  return (req) => {
    const trace = traceOf(req, sample);
    const line = `traceparent: ${formatTraceparent(trace.traceId, trace.dispatchSpanId, trace.sampled)}\r\n`;
    return trace.traceState ? `${line}tracestate: ${trace.traceState}\r\n` : line;
  };
}
