import { connect, type Socket } from 'node:net';

/** How one POST ended (an expected outcome, never a throw). */
export interface PostResult {
  readonly ok: boolean;
  /** HTTP status, 0 when no answer arrived. */
  readonly status: number;
  /** Network error code or a short reason when not ok. */
  readonly error: string;
  /** Nothing at all came back on a reused connection: the receiver had closed it; worth one retry. */
  readonly stale: boolean;
}

const MAX_HEAD_BYTES = 64 * 1024;
const CRLF2 = Buffer.from('\r\n\r\n');

/**
 * One keep-alive HTTP/1.1 client connection that posts one request at a time. It exists because node's HTTP
 * client costs about 100 µs of CPU per request, as much as encoding 100 spans; this writes a prebuilt head and
 * the body in one `writev` and reads only what it needs of the answer: the status, and the body's framing
 * (Content-Length, chunked, or until close) so that the connection can be reused. The answer body is skipped.
 */
export class Http1Connection {
  readonly #socket: Socket;
  #open = true;
  #used = false;
  #pending: ((r: PostResult) => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** Answer bytes not parsed yet (head), then the body's state. */
  #head: Buffer[] = [];
  #headBytes = 0;
  #got = false;
  #status = 0;
  #keepAlive = true;
  /** Body bytes still to skip; -1: chunked, -2: until close. */
  #remaining = 0;
  #inBody = false;
  // Chunked framing: the line not complete yet, data bytes left in the chunk, and where in the framing we are.
  #chunk = '';
  #chunkLeft = 0;
  #afterData = false;
  #trailers = false;

  constructor(host: string, port: number) {
    this.#socket = connect({ host, port, noDelay: true });
    this.#socket.on('data', (d: Buffer) => this.#onData(d));
    this.#socket.on('error', (err: NodeJS.ErrnoException) => this.#fail(err.code ?? err.message));
    this.#socket.on('close', () => {
      this.#open = false;
      if (this.#pending && this.#inBody && this.#remaining === -2) this.#finish();
      else this.#fail('ECONNRESET');
    });
  }

  /** Open, idle and reusable. */
  get reusable(): boolean {
    return this.#open && this.#keepAlive && this.#pending === undefined;
  }

  /** Sends `head` (latin1 text ending in a blank line) and `body`; resolves when the answer has been read. */
  post(head: string, body: Uint8Array, timeoutMs: number): Promise<PostResult> {
    return new Promise((resolve) => {
      if (!this.#open) {
        resolve({ ok: false, status: 0, error: 'ECONNRESET', stale: this.#used });
        return;
      }
      this.#pending = resolve;
      this.#head = [];
      this.#headBytes = 0;
      this.#got = false;
      this.#inBody = false;
      this.#socket.ref();
      this.#timer = setTimeout(() => {
        this.#fail('ETIMEDOUT');
        this.#socket.destroy();
      }, timeoutMs);
      this.#socket.cork();
      this.#socket.write(head, 'latin1');
      this.#socket.write(body);
      this.#socket.uncork();
    });
  }

  close(): void {
    this.#open = false;
    this.#socket.destroy();
  }

  #fail(error: string): void {
    const stale = this.#used && !this.#got;
    this.#open = false;
    this.#socket.destroy();
    this.#settle({ ok: false, status: this.#status, error, stale });
  }

  #finish(): void {
    const ok = this.#status >= 200 && this.#status < 300;
    this.#settle({ ok, status: this.#status, error: ok ? '' : `HTTP ${this.#status}`, stale: false });
  }

  #settle(r: PostResult): void {
    const resolve = this.#pending;
    if (!resolve) return;
    this.#pending = undefined;
    this.#used = true;
    clearTimeout(this.#timer);
    if (this.#open) this.#socket.unref(); // an idle export connection must not keep the host alive
    if (!this.#keepAlive) this.close();
    resolve(r);
  }

  #onData(d: Buffer): void {
    if (!this.#pending) {
      this.#fail('unexpected data'); // an answer nobody asked for: the connection is out of step
      return;
    }
    this.#got = true;
    if (!this.#inBody) {
      this.#head.push(d);
      this.#headBytes += d.length;
      const all = this.#head.length === 1 ? d : Buffer.concat(this.#head);
      const end = all.indexOf(CRLF2);
      if (end < 0) {
        if (this.#headBytes > MAX_HEAD_BYTES) this.#fail('answer head too large');
        return;
      }
      this.#head = [all];
      if (!this.#parseHead(all.toString('latin1', 0, end))) return;
      d = all.subarray(end + 4);
      if (this.#status < 200) { // 1xx: an interim answer; the real one follows
        this.#head = [];
        this.#headBytes = 0;
        if (d.length > 0) this.#onData(d);
        return;
      }
      this.#inBody = true;
    }
    this.#skipBody(d);
  }

  /** Reads the status and the body framing; false (and failed) when the head is not HTTP/1.x. */
  #parseHead(text: string): boolean {
    const lines = text.split('\r\n');
    const m = /^HTTP\/1\.(\d) (\d{3})/.exec(lines[0] ?? '');
    if (!m) {
      this.#fail('bad answer');
      return false;
    }
    this.#status = Number(m[2]);
    this.#keepAlive = m[1] !== '0';
    this.#remaining = -2;
    let chunked = false;
    let length = -1;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim().toLowerCase();
      if (name === 'content-length') length = Number(value);
      else if (name === 'transfer-encoding') chunked = value.endsWith('chunked');
      else if (name === 'connection') this.#keepAlive = value.includes('keep-alive') || (this.#keepAlive && !value.includes('close'));
    }
    if (this.#status === 204 || this.#status === 304) this.#remaining = 0;
    else if (chunked) {
      this.#remaining = -1;
      this.#chunk = '';
      this.#chunkLeft = 0;
      this.#afterData = false;
      this.#trailers = false;
    } else if (length >= 0 && Number.isSafeInteger(length)) this.#remaining = length;
    if (this.#remaining === -2) this.#keepAlive = false; // body until close
    return true;
  }

  #skipBody(d: Buffer): void {
    if (this.#remaining >= 0) {
      this.#remaining -= Math.min(this.#remaining, d.length);
      if (this.#remaining === 0) this.#finish();
      return;
    }
    if (this.#remaining === -2) return; // until close
    // Chunked: only the framing text is kept (chunk data is skipped by count).
    let i = 0;
    while (i < d.length) {
      if (this.#chunkLeft > 0) {
        const n = Math.min(this.#chunkLeft, d.length - i);
        this.#chunkLeft -= n;
        i += n;
        continue;
      }
      const nl = d.indexOf(10, i);
      const piece = d.toString('latin1', i, nl < 0 ? d.length : nl + 1);
      i = nl < 0 ? d.length : nl + 1;
      this.#chunk += piece;
      if (this.#chunk.length > MAX_HEAD_BYTES) {
        this.#fail('bad chunked answer');
        return;
      }
      if (nl < 0) return;
      const line = this.#chunk.trimEnd();
      this.#chunk = '';
      if (this.#trailers) {
        if (line === '') {
          this.#trailers = false;
          this.#finish();
          return;
        }
        continue;
      }
      if (this.#afterData) { // the CRLF after a chunk's data
        this.#afterData = false;
        continue;
      }
      const size = parseInt(line, 16);
      if (!Number.isFinite(size) || size < 0) {
        this.#fail('bad chunked answer');
        return;
      }
      if (size === 0) this.#trailers = true;
      else {
        this.#chunkLeft = size;
        this.#afterData = true;
      }
    }
  }
}
