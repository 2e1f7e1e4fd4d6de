import type { PoolEvent } from '../host/workers/index.ts';
import { exitReason } from './exit-reason.ts';
import { newSpanId, newTraceId } from './ids.ts';
import { ATTR, KIND, SPAN, STATUS } from './semconv.ts';
import type { AttrValue, SpanRecord } from './span-record.ts';

type WorkerOf<T extends PoolEvent['type']> = Extract<PoolEvent, { type: T }>;

/** Per worker, what the lifecycle spans need between spawn and exit. */
interface Pending {
  readonly spawnedAt: number;
  ready: boolean;
}

/**
 * Turns pool events into `process.start` (spawn → listening) and `process.exit` spans. Each lifecycle span is
 * the root of its own trace and always exported: they are rare and every one counts on the dashboards.
 */
export class LifecycleSpans {
  readonly #hostPid: number;
  readonly #pending = new Map<string, Pending>();

  constructor(hostPid: number) {
    this.#hostPid = hostPid;
  }

  /** The spans an event completes (none for most events). */
  onEvent(app: string, event: PoolEvent): SpanRecord[] {
    switch (event.type) {
      case 'worker-spawn':
        this.#pending.set(event.worker.id, { spawnedAt: event.worker.startedAt, ready: false });
        return [];
      case 'worker-ready': {
        const p = this.#pending.get(event.worker.id);
        if (!p || p.ready) return [];
        p.ready = true;
        return [this.#start(app, event, p.spawnedAt, Date.now(), true)];
      }
      case 'worker-exit':
        return this.#exit(app, event);
      default:
        return [];
    }
  }

  #start(app: string, event: WorkerOf<'worker-ready'> | WorkerOf<'worker-exit'>, spawnedAt: number, at: number,
    listening: boolean): SpanRecord {
    const w = event.worker;
    return {
      app, traceId: newTraceId(), spanId: newSpanId(), parentSpanId: '', traceState: '', name: SPAN.processStart,
      kind: KIND.internal, start: spawnedAt, end: at,
      attributes: {
        ...this.#pids(w.pid), [ATTR.workerId]: w.id, [ATTR.slot]: w.slot,
        [ATTR.coldStartMs]: Math.max(0, Math.round(at - spawnedAt)),
      },
      statusCode: listening ? STATUS.unset : STATUS.error,
      statusMessage: listening ? '' : 'exited before listening',
      events: [],
    };
  }

  #exit(app: string, event: WorkerOf<'worker-exit'>): SpanRecord[] {
    const w = event.worker;
    const at = Date.now();
    const p = this.#pending.get(w.id);
    this.#pending.delete(w.id);
    const out: SpanRecord[] = [];
    if (p && !p.ready) out.push(this.#start(app, event, p.spawnedAt, at, false));
    const { exit } = event;
    const reason = exitReason(exit.expected, event.stopReason);
    const attrs: Record<string, AttrValue> = {
      ...this.#pids(w.pid), [ATTR.workerId]: w.id, [ATTR.slot]: w.slot, [ATTR.workerReason]: reason,
      [ATTR.uptimeMs]: Math.max(0, Math.round(exit.uptime)), [ATTR.requestsServed]: w.processed,
      [ATTR.exitDetail]: exit.reason,
    };
    if (exit.signal) attrs[ATTR.signal] = exit.signal;
    else if (exit.code !== null) attrs[ATTR.exitCode] = exit.code;
    if (event.restartIn !== undefined) attrs[ATTR.restartInMs] = event.restartIn;
    out.push({
      app, traceId: newTraceId(), spanId: newSpanId(), parentSpanId: '', traceState: '', name: SPAN.processExit,
      kind: KIND.internal, start: at, end: at, attributes: attrs,
      statusCode: reason === 'crash' ? STATUS.error : STATUS.unset,
      statusMessage: reason === 'crash' ? exit.reason : '',
      events: [],
    });
    return out;
  }

  #pids(workerPid: number): Record<string, AttrValue> {
    return { [ATTR.workerPid]: this.#hostPid, [ATTR.nodePid]: workerPid };
  }
}
