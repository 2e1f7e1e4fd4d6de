import { Agent, request } from 'node:http';

/** How one POST ended: the status (0 when the connection failed) and the Retry-After delay, ms, if any. */
export interface PostResult {
  readonly status: number;
  readonly retryAfterMs: number | undefined;
  readonly error?: string;
}

/** An OTLP/HTTP protobuf poster on pooled keep-alive connections (one socket per concurrent sender). */
export interface OtlpPoster {
  post(path: string, body: Uint8Array): Promise<PostResult>;
  close(): void;
}

/** Retry-After as delta seconds (the gateway's form) or an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Creates a poster for `baseUrl` (e.g. http://127.0.0.1:4318) with at most `sockets` connections. */
export function createOtlpPoster(baseUrl: string, sockets: number, timeoutMs = 30_000): OtlpPoster {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  return {
    post(path, body) {
      return new Promise((resolve) => {
        const req = request({
          host: url.hostname, port: url.port, path, method: 'POST', agent, timeout: timeoutMs,
          headers: { 'content-type': 'application/x-protobuf', 'content-length': body.byteLength },
        }, (res) => {
          res.resume(); // the answer body (an empty response or a status) is not needed
          res.on('end', () => resolve({
            status: res.statusCode ?? 0, retryAfterMs: retryAfterMs(res.headers['retry-after'] as string | undefined),
          }));
          res.on('error', (err) => resolve({ status: 0, retryAfterMs: undefined, error: err.message }));
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', (err) => resolve({ status: 0, retryAfterMs: undefined, error: err.message }));
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}
