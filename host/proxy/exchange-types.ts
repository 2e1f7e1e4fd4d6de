import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';

/**
 * The parts of a client request the proxy, the dispatcher, diagnostics and telemetry read. Node's
 * IncomingMessage has them, and so does the front server's own parser for plain requests
 * (host/server/fast-request.ts), so both reach a worker through the same exchange code.
 */
export interface ProxyRequest {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  /** "1.1" or "1.0". */
  readonly httpVersion: string;
  /** Lower-case names. */
  readonly headers: IncomingHttpHeaders;
  /** Names and values as received, in order: [name, value, …]. */
  readonly rawHeaders: string[];
  /** The client connection (a TLSSocket under https). */
  readonly socket: Socket;
  /**
   * Telemetry's per-request state (collector/request-context.ts). Declared here, and set up front by the lean
   * path's requests, so that filling it in does not change the object's shape on the hot path.
   */
  trace?: unknown;
}

/**
 * The parts of a response to the client the proxy and the host's own answers use: node's ServerResponse, or
 * the front server's lean one for plain requests (host/server/fast-response.ts).
 */
export interface ProxyResponse {
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
  readonly writableFinished: boolean;
  readonly headersSent: boolean;
  statusCode: number;
  /** Add a Date header when the head has none. */
  sendDate: boolean;
  readonly socket: Socket | null;
  /**
   * `write` and `end` copy a chunk of at most this many bytes before they return, so the caller may reuse its
   * memory at once; larger chunks (and any chunk when absent) may be kept until written.
   */
  readonly copyLimit?: number;
  writeHead(status: number, reason: string, headers: string[]): this;
  writeHead(status: number, headers: string[]): this;
  write(chunk: Buffer): boolean;
  end(chunk?: Buffer | string): this;
  destroy(): this;
  once(event: 'close' | 'drain', listener: () => void): this;
  on(event: 'close', listener: () => void): this;
  off(event: 'close', listener: () => void): this;
  getHeaderNames(): string[];
  removeHeader(name: string): void;
}
