import { channel } from 'node:diagnostics_channel';
import type { ProxyRequest } from '../proxy/index.ts';
import type { ForwardOutcome } from '../proxy/index.ts';
import type { PoolEvent } from '../workers/index.ts';

/**
 * Instrumentation seams, published on `node:diagnostics_channel` only when someone subscribes (telemetry,
 * the debug header, tests), so the request path pays one `hasSubscribers` check when nobody listens.
 */

/** `nodefarm:request`: one request or upgrade that reached a worker, after its exchange ended. */
export interface RequestEvent {
  readonly app: string;
  readonly workerId: string;
  readonly upgrade: boolean;
  readonly req: ProxyRequest;
  readonly outcome: ForwardOutcome;
  /** `performance.now()` when the request reached the front server (before any queue wait). */
  readonly receivedAt: number;
}

/** `nodefarm:rejected`: a request the host answered itself (404 no app, 503.x from the dispatcher, 499 gone). */
export interface RejectedEvent {
  readonly app: string | null;
  readonly upgrade: boolean;
  readonly req: ProxyRequest;
  readonly status: number;
  readonly substatus: number;
  readonly reason: string;
  /** `performance.now()` when the request reached the front server. */
  readonly receivedAt: number;
}

/** `nodefarm:worker`: worker and app lifecycle (spawn, ready, exit, errored) with the app name. */
export interface WorkerEvent {
  readonly app: string;
  readonly event: PoolEvent;
}

export const requestChannel = channel('nodefarm:request');
export const rejectedChannel = channel('nodefarm:rejected');
export const workerChannel = channel('nodefarm:worker');
