import type { Socket } from 'node:net';
import { FastRequest } from './fast-request.ts';
import { FastResponse, type ResponseOwner } from './fast-response.ts';
import { parseSimpleRequestHead } from './simple-request-head.ts';
import { sharedReadBuffer } from '../read-buffer.ts';
import { readIntoSharedBuffer, restoreStreamReads } from './shared-read-buffer.ts';

/** What a lean connection needs from its server. */
export interface FastConnectionHost {
  readonly keepAliveLines: string;
  readonly maxHeaderSize: number;
  /** True while the server is closing: responses then close their connection. */
  readonly closing: boolean;
  /** Serves a parsed request; false when it must take the general path (nothing was done with it). */
  serve(req: FastRequest, res: FastResponse): boolean;
  /** Gives the connection, with the bytes read but not consumed, to node's HTTP server. */
  handOff(socket: Socket, unread: Buffer | null): void;
  /** The connection closed. */
  forget(conn: FastConnection): void;
}

const headEnd = Buffer.from('\r\n\r\n');

/**
 * One client connection on the lean path: reads request heads itself, serves one request at a time (pipelined
 * requests wait in the buffer, in order), and hands the connection to node's HTTP server at the first request it
 * does not carry (a body, an upgrade, a malformed or oversized head, a URL the host serves itself). A connection
 * is only handed over between requests, so node's parser starts at a request boundary.
 */
export class FastConnection implements ResponseOwner {
  readonly socket: Socket;
  readonly #host: FastConnectionHost;
  #buf: Buffer | null = null;
  /** Where the search for the end of the head resumes (bytes before it were searched already). */
  #scanFrom = 0;
  #current: FastResponse | null = null;
  /** When the request head now being received started (0: none); the headers timeout counts from here. */
  headStartedAt: number;
  /** When the connection last became idle between requests (keep-alive timeout). */
  idleSince = 0;

  constructor(host: FastConnectionHost, socket: Socket) {
    this.#host = host;
    this.socket = socket;
    this.headStartedAt = Date.now();
    if (!readIntoSharedBuffer(socket, this.#onData)) socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onClose);
    socket.on('error', ignore);
  }

  get keepAliveLines(): string {
    return this.#host.keepAliveLines;
  }

  /** Idle between requests with nothing buffered: safe to close without cutting a request. */
  get idle(): boolean {
    return this.#current === null && this.#buf === null;
  }

  responseFinished(res: FastResponse): void {
    if (this.#current !== res) return;
    this.#current = null;
    if (res.closeAfter || res.destroyed) {
      this.socket.end();
      return;
    }
    if (this.socket.isPaused()) this.socket.resume();
    if (this.#buf) {
      this.headStartedAt = Date.now();
      this.#parse();
    } else {
      this.headStartedAt = 0;
      this.idleSince = Date.now();
    }
  }

  /** A read from the client; `chunk` may be a view of the shared read buffer, valid during the call only. */
  readonly #onData = (chunk: Buffer): void => {
    if (this.#buf) this.#buf = Buffer.concat([this.#buf, chunk]);
    else {
      this.#buf = chunk;
      if (this.#current === null && this.headStartedAt === 0) this.headStartedAt = Date.now();
    }
    if (this.#current === null) this.#parse();
    else if (this.#buf.length > this.#host.maxHeaderSize) this.socket.pause(); // pipelining: hold the client back
    // Bytes kept for later (a partial head, pipelined requests) must not stay in the buffer the next read reuses.
    const kept = this.#buf;
    if (kept !== null && kept.buffer === sharedReadBuffer.buffer) this.#buf = Buffer.from(kept);
  };

  /**
   * The client half-closed. Like node's server (without httpAllowHalfOpen), that abandons the request in flight
   * and closes the connection: the server accepts half-open sockets only so that this choice is its own.
   */
  readonly #onEnd = (): void => {
    this.#buf = null;
    this.#current?.clientClosed();
    this.socket.end();
  };

  readonly #onClose = (): void => {
    this.#host.forget(this);
    this.#current?.clientClosed();
  };

  #parse(): void {
    const buf = this.#buf!;
    const end = buf.indexOf(headEnd, this.#scanFrom);
    const max = this.#host.maxHeaderSize;
    if (end < 0) {
      if (buf.length > max) this.#handOff(buf);
      else this.#scanFrom = Math.max(0, buf.length - 3);
      return;
    }
    const head = end + 4 <= max ? parseSimpleRequestHead(buf.toString('latin1', 0, end)) : null;
    if (!head) {
      this.#handOff(buf);
      return;
    }
    const req = new FastRequest(head, this.socket);
    const res = new FastResponse(this, this.socket, head.method === 'HEAD', !head.keepAlive || this.#host.closing);
    this.#current = res;
    this.#buf = end + 4 < buf.length ? buf.subarray(end + 4) : null;
    this.#scanFrom = 0;
    this.headStartedAt = 0;
    if (!this.#host.serve(req, res)) {
      this.#current = null;
      this.#handOff(buf);
    }
  }

  #handOff(unread: Buffer): void {
    this.#buf = null;
    if (unread.buffer === sharedReadBuffer.buffer) unread = Buffer.from(unread); // node's server keeps it
    restoreStreamReads(this.socket);
    this.socket.off('data', this.#onData);
    this.socket.off('end', this.#onEnd);
    this.socket.off('close', this.#onClose);
    this.socket.off('error', ignore);
    this.#host.forget(this);
    this.#host.handOff(this.socket, unread);
  }
}

function ignore(): void {}
