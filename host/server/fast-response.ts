import { STATUS_CODES } from '../node-http.ts';
import type { Socket } from 'node:net';
import type { ProxyResponse } from '../proxy/index.ts';
import { hasInvalidValueChar, isHeaderName } from '../http-syntax.ts';

/** The connection a {@link FastResponse} belongs to. */
export interface ResponseOwner {
  /** `Connection` (and `Keep-Alive`) lines for a response that keeps the connection open. */
  readonly keepAliveLines: string;
  /** The response is complete (or abandoned): the next pipelined request may start. */
  responseFinished(res: FastResponse): void;
}

// Small payloads leave in one buffer together with the head (one syscall, no writev); large ones are not copied.
const copyLimit = 16_384;

let dateText = '';
let dateSecond = 0;
/** The IMF-fixdate of the current second, computed once per second like node's own. */
function utcDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

/**
 * The response to a request of the lean path, written straight to the client socket. It frames the body the
 * way node's ServerResponse does (Content-Length when the head has one, else chunked; none for HEAD, 1xx, 204,
 * 304), adds Date and Connection the same way, and sends the head together with the first payload. 'close'
 * fires once: after `end()` (on a microtask, so the exchange that ended it finishes first) or when the client
 * connection closes before that.
 */
export class FastResponse implements ProxyResponse {
  statusCode = 200;
  sendDate = true;
  headersSent = false;
  writableEnded = false;
  writableFinished = false;
  destroyed = false;
  readonly socket: Socket;
  readonly copyLimit = copyLimit;
  /** The connection closes after this response (the client asked, or the server is closing). */
  readonly closeAfter: boolean;
  readonly #owner: ResponseOwner;
  readonly #isHeadRequest: boolean;
  #pendingHead: string | undefined;
  #chunked = false;
  #bodyless = false;
  #closeListeners: (() => void)[] | undefined;
  #closed = false;

  constructor(owner: ResponseOwner, socket: Socket, isHeadRequest: boolean, closeAfter: boolean) {
    this.#owner = owner;
    this.socket = socket;
    this.#isHeadRequest = isHeadRequest;
    this.closeAfter = closeAfter;
  }

  writeHead(status: number, reasonOrHeaders?: string | string[], maybeHeaders?: string[]): this {
    if (this.headersSent) throw new Error('response head already sent');
    const reason = typeof reasonOrHeaders === 'string' ? reasonOrHeaders : (STATUS_CODES[status] ?? 'unknown');
    const headers = typeof reasonOrHeaders === 'string' ? (maybeHeaders ?? []) : (reasonOrHeaders ?? []);
    if (!Number.isInteger(status) || status < 100 || status > 999) throw new RangeError(`invalid status code ${status}`);
    if (hasInvalidValueChar(reason)) throw new TypeError('invalid character in the status reason');
    let head = `HTTP/1.1 ${status} ${reason}\r\n`;
    let hasLength = false;
    let hasDate = false;
    let chunkedByHeader = false;
    for (let i = 0; i + 1 < headers.length; i += 2) {
      const name = headers[i]!;
      const value = headers[i + 1]!;
      if (!isHeaderName(name) || hasInvalidValueChar(value)) throw new TypeError(`invalid header ${JSON.stringify(name)}`);
      switch (name.length === 4 || name.length === 14 || name.length === 17 ? name.toLowerCase() : '') {
        case 'content-length': hasLength = true; break;
        case 'date': hasDate = true; break;
        case 'transfer-encoding': chunkedByHeader = /chunked\s*$/i.test(value); break;
      }
      head += `${name}: ${value}\r\n`;
    }
    this.#bodyless = this.#isHeadRequest || status === 204 || status === 304 || status < 200;
    if (!this.#bodyless && !hasLength) {
      this.#chunked = true;
      if (!chunkedByHeader) head += 'Transfer-Encoding: chunked\r\n';
    }
    if (this.sendDate && !hasDate) head += `Date: ${utcDate()}\r\n`;
    head += this.closeAfter ? 'Connection: close\r\n\r\n' : this.#owner.keepAliveLines;
    this.statusCode = status;
    this.#pendingHead = head;
    this.headersSent = true;
    return this;
  }

  write(chunk: Buffer): boolean {
    if (this.writableEnded || this.destroyed) return false;
    if (!this.headersSent) this.writeHead(this.statusCode);
    if (this.#bodyless || chunk.length === 0) return this.#send('', null, '');
    return this.#chunked ? this.#send(`${chunk.length.toString(16)}\r\n`, chunk, '\r\n') : this.#send('', chunk, '');
  }

  end(chunk?: Buffer | string): this {
    if (this.writableEnded) return this;
    if (!this.headersSent) this.writeHead(this.statusCode);
    this.writableEnded = true;
    if (!this.destroyed) {
      const body = chunk === undefined ? null : typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (this.#bodyless) this.#send('', null, '');
      else if (!this.#chunked) this.#send('', body, '');
      else if (body && body.length > 0) this.#send(`${body.length.toString(16)}\r\n`, body, '\r\n0\r\n\r\n');
      else this.#send('', null, '0\r\n\r\n');
      this.writableFinished = true;
    }
    queueMicrotask(this.#finish);
    return this;
  }

  destroy(): this {
    this.socket.destroy();
    this.clientClosed();
    return this;
  }

  once(event: 'close' | 'drain', listener: () => void): this {
    if (event === 'drain') this.socket.once('drain', listener);
    else this.on('close', listener);
    return this;
  }

  on(_event: 'close', listener: () => void): this {
    (this.#closeListeners ??= []).push(listener);
    return this;
  }

  off(_event: 'close', listener: () => void): this {
    const list = this.#closeListeners;
    const i = list ? list.indexOf(listener) : -1;
    if (i >= 0) list!.splice(i, 1);
    return this;
  }

  getHeaderNames(): string[] {
    return []; // headers are only ever given to writeHead here
  }

  removeHeader(): void {}

  /** The client connection closed: an unfinished response is abandoned. */
  clientClosed(): void {
    if (this.writableFinished || this.#closed) return;
    this.destroyed = true;
    this.#emitClose();
    this.#owner.responseFinished(this);
  }

  readonly #finish = (): void => {
    this.#emitClose();
    this.#owner.responseFinished(this);
  };

  #emitClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    const list = this.#closeListeners;
    this.#closeListeners = undefined;
    if (list) for (const fn of list) fn();
  }

  /** Writes `pre` (after any pending head), `body` and `post` as one buffer when small, else corked. */
  #send(pre: string, body: Buffer | null, post: string): boolean {
    const socket = this.socket;
    if (this.#pendingHead !== undefined) {
      pre = this.#pendingHead + pre;
      this.#pendingHead = undefined;
    }
    if (socket.destroyed) return false;
    if (!body || body.length === 0) {
      const text = pre + post;
      return text.length > 0 ? socket.write(text, 'latin1') : true;
    }
    // Heads and chunk framing are latin1 (validated above): one byte per character.
    if (body.length <= copyLimit) {
      const out = Buffer.allocUnsafe(pre.length + body.length + post.length);
      out.write(pre, 0, 'latin1');
      body.copy(out, pre.length);
      if (post.length > 0) out.write(post, pre.length + body.length, 'latin1');
      return socket.write(out);
    }
    socket.cork();
    if (pre.length > 0) socket.write(pre, 'latin1');
    let ok = socket.write(body);
    if (post.length > 0) ok = socket.write(post, 'latin1');
    socket.uncork();
    return ok;
  }
}
