import type { Worker } from '../workers/index.ts';

/** A worker slot held by one request (or open upgrade); `release()` gives it back exactly once. */
export class Lease {
  readonly worker: Worker;
  /** Set-Cookie value to add to the response (sticky sessions, first visit). */
  readonly setCookie: string | undefined;
  /** Held by an Upgrade request (open for the life of the WebSocket or tunnel). */
  readonly upgrade: boolean;
  #released = false;
  readonly #onRelease: (lease: Lease) => void;

  constructor(worker: Worker, setCookie: string | undefined, upgrade: boolean, onRelease: (lease: Lease) => void) {
    this.worker = worker;
    this.setCookie = setCookie;
    this.upgrade = upgrade;
    this.#onRelease = onRelease;
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#onRelease(this);
  }
}

/** A request the app cannot take: answered by the host with this status/substatus. */
export interface Rejection {
  readonly rejected: true;
  readonly status: number;
  readonly substatus: number;
  readonly reason: string;
}

export type AcquireResult = Lease | Rejection;

/** Narrowing helper for hot paths. */
export function isRejection(result: AcquireResult): result is Rejection {
  return (result as Rejection).rejected === true;
}
