import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { ProxyRequest } from '../proxy/index.ts';
import type { SimpleRequestHead } from './simple-request-head.ts';

/** A plain request parsed by the front server's lean path: the facts of IncomingMessage, without a stream. */
export class FastRequest implements ProxyRequest {
  readonly method: string;
  readonly url: string;
  readonly httpVersion = '1.1';
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly socket: Socket;
  trace: unknown = undefined;

  constructor(head: SimpleRequestHead, socket: Socket) {
    this.method = head.method;
    this.url = head.url;
    this.headers = head.headers;
    this.rawHeaders = head.rawHeaders;
    this.socket = socket;
  }
}
