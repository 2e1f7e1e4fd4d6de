import type { Server as HttpServer, IncomingMessage, ServerOptions, ServerResponse } from 'node:http';
import { Server } from '../node-http.ts';
import type { Socket } from 'node:net';
import { FastConnection, type FastConnectionHost } from './fast-connection.ts';
import type { FastRequest } from './fast-request.ts';
import type { FastResponse } from './fast-response.ts';

/** Options of {@link FrontHttpServer} beyond node's own. */
export interface LeanPathOptions {
  /** Serves a request of the lean path; false when it must take the general path instead. */
  readonly serve: (req: FastRequest, res: FastResponse) => boolean;
  readonly maxHeaderSize: number;
  readonly headersTimeout: number;
  readonly keepAliveTimeout: number;
  readonly connectionsCheckingInterval: number;
}

type ConnectionListener = (this: HttpServer, socket: Socket) => void;

/**
 * node's HTTP server with a lean path in front of it. Every accepted connection starts on the lean path
 * (FastConnection), which carries plain bodyless requests without node's parser, IncomingMessage and
 * ServerResponse streams — about a third of the host's CPU per request. At the first request it does not carry,
 * the connection goes to node's own connection handler and stays there. Listening, `close()` and the
 * connection-closing methods cover both kinds of connection.
 */
export class FrontHttpServer extends Server implements FastConnectionHost {
  readonly keepAliveLines: string;
  readonly maxHeaderSize: number;
  closing = false;
  readonly #lean: LeanPathOptions;
  readonly #nodeConnectionListener: ConnectionListener;
  readonly #connections = new Set<FastConnection>();
  #sweep: NodeJS.Timeout | undefined;

  constructor(options: ServerOptions<typeof IncomingMessage, typeof ServerResponse>, lean: LeanPathOptions) {
    super(options);
    this.#lean = lean;
    this.maxHeaderSize = lean.maxHeaderSize;
    this.keepAliveLines = lean.keepAliveTimeout > 0
      ? `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(lean.keepAliveTimeout / 1000)}\r\n\r\n`
      : 'Connection: keep-alive\r\n\r\n';
    // node's http.Server handles 'connection' with one internal listener; the lean path takes its place and
    // calls it for the connections it hands over.
    const listeners = this.listeners('connection') as ConnectionListener[];
    if (listeners.length !== 1) throw new Error('unexpected http.Server connection listeners');
    this.#nodeConnectionListener = listeners[0]!;
    this.removeListener('connection', this.#nodeConnectionListener);
    this.on('connection', (socket: Socket) => {
      const conn = new FastConnection(this, socket);
      this.#connections.add(conn);
    });
    this.on('listening', () => {
      this.#sweep ??= setInterval(() => this.#checkTimeouts(), lean.connectionsCheckingInterval).unref();
    });
  }

  serve(req: FastRequest, res: FastResponse): boolean {
    return this.#lean.serve(req, res);
  }

  handOff(socket: Socket, unread: Buffer | null): void {
    // Paused while node's handler attaches (it starts reading the handle itself), then resumed so the bytes
    // put back are parsed before anything read later.
    socket.pause();
    if (unread) socket.unshift(unread);
    this.#nodeConnectionListener.call(this, socket);
    socket.resume();
  }

  forget(conn: FastConnection): void {
    this.#connections.delete(conn);
  }

  override close(callback?: (err?: Error) => void): this {
    this.closing = true;
    if (this.#sweep) clearInterval(this.#sweep);
    this.#sweep = undefined;
    return super.close(callback);
  }

  override closeIdleConnections(): void {
    super.closeIdleConnections();
    for (const conn of this.#connections) if (conn.idle) conn.socket.destroy();
  }

  override closeAllConnections(): void {
    super.closeAllConnections();
    for (const conn of this.#connections) conn.socket.destroy();
  }

  /** Slow request heads get node's 408; idle keep-alive connections close after keepAliveTimeout. */
  #checkTimeouts(): void {
    const now = Date.now();
    const { headersTimeout, keepAliveTimeout } = this.#lean;
    for (const conn of this.#connections) {
      if (conn.headStartedAt > 0 && now - conn.headStartedAt > headersTimeout) {
        this.#connections.delete(conn);
        const socket = conn.socket;
        if (socket.writable) socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
        socket.destroySoon();
      } else if (keepAliveTimeout > 0 && conn.idle && conn.headStartedAt === 0 && now - conn.idleSince > keepAliveTimeout) {
        this.#connections.delete(conn);
        conn.socket.destroy();
      }
    }
  }
}
