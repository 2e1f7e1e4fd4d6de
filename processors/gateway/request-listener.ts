import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KafkaProbe } from '../kafka/kafka-probe.ts';
import type { LogSink } from '../kafka/log-sink.ts';
import type { Signal } from '../otlp/types.ts';
import { handleExport } from './handle-export.ts';
import type { ExportContext } from './handle-export.ts';
import { errorAnswer, send } from './respond.ts';
import type { Answer } from './respond.ts';

export interface RouteContext extends ExportContext {
  readonly probe: KafkaProbe;
  readonly log: LogSink;
  /** True once shutdown began: /readyz answers 503 so load balancers stop sending. */
  readonly isStopping: () => boolean;
}

const exportPaths: Readonly<Record<string, Signal>> = { '/v1/traces': 'traces', '/v1/metrics': 'metrics' };

function jsonAnswer(status: number, value: unknown): Answer {
  return { status, format: 'json', body: JSON.stringify(value) };
}

async function route(ctx: RouteContext, req: IncomingMessage): Promise<Answer> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const method = req.method ?? 'GET';
  const signal = exportPaths[path];
  if (signal) {
    if (method !== 'POST') return errorAnswer(405, 'json', `${method} is not allowed on ${path}; use POST`, { headers: { allow: 'POST' } });
    ctx.counters.requests[signal] += 1;
    return handleExport(ctx, signal, req);
  }
  if (path === '/healthz' || path === '/readyz') {
    if (method !== 'GET' && method !== 'HEAD') return errorAnswer(405, 'json', `${method} is not allowed on ${path}; use GET`, { headers: { allow: 'GET, HEAD' } });
    if (path === '/healthz') return jsonAnswer(200, { status: 'ok' });
    if (ctx.isStopping()) return jsonAnswer(503, { status: 'not ready', reason: 'shutting down' });
    const kafka = await ctx.probe.check();
    return kafka.ok
      ? jsonAnswer(200, { status: 'ready' })
      : jsonAnswer(503, { status: 'not ready', reason: `Kafka: ${kafka.reason}` });
  }
  return errorAnswer(404, 'json', `no such endpoint: ${path} (OTLP/HTTP uses /v1/traces and /v1/metrics)`);
}

/** The HTTP request listener of the gateway, plus how many answers are still being worked on or written. */
export interface RequestListener {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Requests whose response has not closed yet; shutdown waits for it to reach 0 before closing sockets. */
  active(): number;
}

/** Creates the listener. It never throws: an unexpected error becomes a 500 and a log line. */
export function createRequestListener(ctx: RouteContext): RequestListener {
  let active = 0;
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    active += 1;
    res.once('close', () => { active -= 1; });
    route(ctx, req)
      .catch((err: unknown): Answer => {
        ctx.log.error('unexpected error while handling a request', { err, url: req.url });
        return errorAnswer(500, 'json', 'internal error', { close: true });
      })
      .then((answer) => {
        ctx.counters.byStatus[answer.status] = (ctx.counters.byStatus[answer.status] ?? 0) + 1;
        send(req, res, answer);
      })
      .catch((err: unknown) => ctx.log.error('could not write an answer', { err }));
  };
  return Object.assign(listener, { active: () => active });
}
