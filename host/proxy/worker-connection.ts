import type { OnReadOpts, Socket } from 'node:net';
import { sharedReadBuffer } from '../read-buffer.ts';

/** Receives the events of a {@link WorkerConnection} while one exchange uses it. */
export interface ConnectionUser {
  /**
   * Bytes read from the worker: a view of the host's shared read buffer, which the next read overwrites. Valid
   * during the call only, so anything kept or written later must be copied.
   */
  onData(chunk: Buffer): void;
  /** The worker ended the connection (EOF). */
  onEnd(): void;
  onError(err: NodeJS.ErrnoException): void;
  onDrain(): void;
}

// Worker connections read into the host's shared read buffer, which also skips node's Readable layer ('data'
// events) on every response.
const owners = new WeakMap<Socket, WorkerConnection>();

/** `onread` options for `net.connect` that deliver a worker socket's reads to its {@link WorkerConnection}. */
export const workerReadOptions: OnReadOpts = {
  buffer: sharedReadBuffer,
  callback(this: Socket, bytes: number): boolean {
    const conn = owners.get(this);
    if (conn) conn.deliver(sharedReadBuffer.subarray(0, bytes));
    else this.destroy(); // nothing owns the socket yet: bytes nobody asked for
    return true;
  },
};

/**
 * One HTTP/1.1 connection to a worker's socket. Listeners are attached once for the life of the socket and
 * forward to the current user, so reusing a pooled connection costs no listener churn on the hot path.
 */
export class WorkerConnection {
  readonly socket: Socket;
  /** Current exchange, or null while idle in a pool. */
  user: ConnectionUser | null = null;
  /** When it was returned to the pool (performance.now()). */
  idleSince = 0;
  /** Keep-alive timeout the worker announced (`Keep-Alive: timeout=N`), ms; Infinity when none. */
  keepAliveMs = Infinity;
  /** Closed, ended or errored: never reuse. */
  dead = false;
  /** Called when an idle connection dies, so its pool can drop it at once. */
  onIdleDeath: ((conn: WorkerConnection) => void) | null = null;

  /** `socket` was connected with {@link workerReadOptions}: its reads arrive through {@link deliver}. */
  constructor(socket: Socket) {
    this.socket = socket;
    owners.set(socket, this);
    socket.on('end', () => {
      this.dead = true;
      if (this.user) this.user.onEnd();
      else this.kill();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.dead = true;
      if (this.user) this.user.onError(err);
      else this.kill();
    });
    socket.on('close', () => {
      this.dead = true;
      if (this.user) this.user.onError(Object.assign(new Error('worker connection closed'), { code: 'ECONNRESET' }));
      else this.kill();
    });
    socket.on('drain', () => this.user?.onDrain());
  }

  /** Hands bytes read from the worker to the current exchange. */
  deliver(chunk: Buffer): void {
    const user = this.user;
    if (!user) {
      this.kill(); // bytes nobody asked for: the stream is out of sync, never reuse it
      return;
    }
    try {
      user.onData(chunk);
    } catch (err) {
      // A bug in relaying must cost one request (500.1011/truncated), never the host process.
      this.user = null;
      this.socket.destroy();
      user.onError(Object.assign(new Error('response relay failed', { cause: err }), { code: 'EPROTO' }));
    }
  }

  /** Closes the socket; an idle connection also leaves its pool. */
  kill(): void {
    this.dead = true;
    this.user = null;
    if (!this.socket.destroyed) this.socket.destroy();
    const cb = this.onIdleDeath;
    if (cb) {
      this.onIdleDeath = null;
      cb(this);
    }
  }
}
