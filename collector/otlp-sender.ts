import { promisify } from 'node:util';
import { isHeaderName } from '../host/http-syntax.ts';
import { Http1Connection } from './http1-connection.ts';

// node:zlib and node:https (with TLS) are loaded only by the exports that use them: a host with telemetry off,
// or exporting plain http without gzip, keeps several MB less.
let gzipAsync: ((data: Uint8Array, options: { level: number }) => Promise<Buffer>) | undefined;
const gzip = (data: Uint8Array, options: { level: number }): Promise<Buffer> =>
  (gzipAsync ??= promisify(process.getBuiltinModule('node:zlib').gzip))(data, options);

/** How one export attempt ended (an expected outcome, never a throw). */
export interface SendResult {
  readonly ok: boolean;
  /** HTTP status, 0 when no answer arrived. */
  readonly status: number;
  /** Network error code or a short reason when not ok. */
  readonly error: string;
}

/** Posts OTLP bodies to one URL: gzip off the main thread (zlib pool), a deadline, pooled connections. */
export interface OtlpSender {
  send(body: Uint8Array | string): Promise<SendResult>;
  close(): void;
}

export interface SenderOptions {
  readonly url: string;
  readonly json: boolean;
  readonly gzip: boolean;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

/** Connections kept per endpoint: the exporter has at most two requests in flight. */
const MAX_CONNECTIONS = 2;

/** Creates a sender for one endpoint. */
export function createSender(o: SenderOptions): OtlpSender {
  const url = new URL(o.url);
  const headers: Record<string, string> = {
    ...o.headers,
    'content-type': o.json ? 'application/json' : 'application/x-protobuf',
  };
  if (o.gzip) headers['content-encoding'] = 'gzip';
  const post = url.protocol === 'https:' ? httpsPoster(url, headers, o.timeoutMs) : http1Poster(url, headers, o.timeoutMs);
  return {
    async send(body) {
      let payload: Buffer;
      try {
        const raw = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
        // Level 1: OTLP batches are repetitive and shrink about as well as at the default level 6, for a
        // fraction of the CPU (measured: gzip was half of the export cost at level 6).
        payload = o.gzip ? await gzip(raw, { level: 1 }) : raw;
      } catch (err) {
        return { ok: false, status: 0, error: `encode: ${(err as Error).message}` };
      }
      return post.send(payload);
    },
    close: () => post.close(),
  };
}

interface Poster {
  send(payload: Buffer): Promise<SendResult>;
  close(): void;
}

/** A header name and value safe to write as they are (no line breaks, a token name). */
function safeHeader(name: string, value: string): boolean {
  return isHeaderName(name) && !/[\r\n\0]/.test(value);
}

/** Plain http: this project's own HTTP/1.1 client (collector/http1-connection.ts), two keep-alive connections. */
function http1Poster(url: URL, headers: Readonly<Record<string, string>>, timeoutMs: number): Poster {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port || 80);
  let fixed = `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n`;
  const all: Record<string, string> = { ...headers };
  // Credentials in the URL become Basic authorization, as node's client does, unless a header sets it.
  if ((url.username || url.password) && !Object.keys(all).some((k) => k.toLowerCase() === 'authorization')) {
    all.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  }
  for (const [name, value] of Object.entries(all)) if (safeHeader(name, value)) fixed += `${name}: ${value}\r\n`;
  const idle: Http1Connection[] = [];
  let closed = false;
  const take = (): Http1Connection => {
    for (let c = idle.pop(); c; c = idle.pop()) if (c.reusable) return c;
    return new Http1Connection(host, port);
  };
  return {
    async send(payload) {
      const head = `${fixed}Content-Length: ${payload.length}\r\n\r\n`;
      let conn = take();
      let r = await conn.post(head, payload, timeoutMs);
      if (!r.ok && r.stale) { // the receiver closed the idle connection: once more on a new one
        conn = new Http1Connection(host, port);
        r = await conn.post(head, payload, timeoutMs);
      }
      if (!closed && conn.reusable && idle.length < MAX_CONNECTIONS) idle.push(conn);
      else conn.close();
      return { ok: r.ok, status: r.status, error: r.error };
    },
    close() {
      closed = true;
      for (const c of idle.splice(0)) c.close();
    },
  };
}

/** https: node's client (TLS costs far more than the HTTP framing there). */
function httpsPoster(url: URL, headers: Readonly<Record<string, string>>, timeoutMs: number): Poster {
  const https = process.getBuiltinModule('node:https');
  const agent = new https.Agent({ keepAlive: true, maxSockets: MAX_CONNECTIONS });
  return {
    send(payload) {
      return new Promise<SendResult>((resolve) => {
        let settled = false;
        const done = (r: SendResult): void => {
          if (settled) return;
          settled = true;
          resolve(r);
        };
        const req = https.request(url, {
          method: 'POST', agent, timeout: timeoutMs,
          headers: { ...headers, 'content-length': String(payload.length) },
        }, (res) => {
          res.resume(); // the answer body (partial success details) is not needed
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            done({ ok: status >= 200 && status < 300, status, error: status >= 200 && status < 300 ? '' : `HTTP ${status}` });
          });
          res.on('error', (err: NodeJS.ErrnoException) => done({ ok: false, status: res.statusCode ?? 0, error: err.code ?? err.message }));
        });
        req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
        req.on('error', (err: NodeJS.ErrnoException) => done({ ok: false, status: 0, error: err.code ?? err.message }));
        req.end(payload);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
