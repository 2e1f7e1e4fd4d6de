import type { Socket } from 'node:net';

/** Receives the events of a {@link WorkerConnection} while one exchange uses it. */
export interface ConnectionUser {
  onData(chunk: Buffer): void;
  /** The worker ended the connection (EOF). */
  onEnd(): void;
  onError(err: NodeJS.ErrnoException): void;
  onDrain(): void;
}

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

  constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
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
        socket.destroy();
        user.onError(Object.assign(new Error('response relay failed', { cause: err }), { code: 'EPROTO' }));
      }
    });
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
