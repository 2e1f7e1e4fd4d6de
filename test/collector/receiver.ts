// A small OTLP/HTTP receiver for the collector tests: decodes real OTLP (protobuf or JSON, gzip) with
// processors/otlp and keeps flat, easy-to-assert copies of every span and data point.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { anyValueToString } from '../../processors/ingest/attributes.ts';
import { bytesToHex, decodeRequest, int64ToBigInt, type KeyValue } from '../../processors/otlp/index.ts';

export interface ReceivedSpan {
  service: string;
  resource: Record<string, string>;
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attrs: Record<string, string>;
  statusCode: number;
  statusMessage: string;
  events: { name: string; attrs: Record<string, string> }[];
}

export interface ReceivedPoint {
  service: string;
  name: string;
  type: 'gauge' | 'sum';
  value: number;
  attrs: Record<string, string>;
}

export interface Receiver {
  readonly url: string;
  readonly spans: ReceivedSpan[];
  readonly points: ReceivedPoint[];
  readonly requests: { path: string; contentType: string; encoding: string }[];
  /** Answer exports with this status (default 200). */
  status: number;
  /** Hold each answer this long, ms. */
  delayMs: number;
  close(): Promise<void>;
}

function attrMap(kvs: KeyValue[] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of kvs ?? []) out[kv.key ?? ''] = anyValueToString(kv.value);
  return out;
}

/** Starts a receiver on an ephemeral port. */
export async function startReceiver(): Promise<Receiver> {
  const spans: ReceivedSpan[] = [];
  const points: ReceivedPoint[] = [];
  const requests: Receiver['requests'] = [];
  const holder: { server?: Server } = {};
  const r: Receiver = {
    url: '', spans, points, requests, status: 200, delayMs: 0,
    close: () => new Promise((resolve) => { holder.server!.closeAllConnections(); holder.server!.close(() => resolve()); }),
  };
  const server = holder.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const contentType = req.headers['content-type'] ?? '';
      const encoding = req.headers['content-encoding'] ?? '';
      requests.push({ path: req.url ?? '', contentType, encoding });
      const answer = (): void => {
        if (r.status !== 200) {
          res.writeHead(r.status).end();
          return;
        }
        let body: Buffer = Buffer.concat(chunks);
        if (encoding === 'gzip') body = gunzipSync(body);
        const format = contentType.includes('json') ? 'json' : 'protobuf';
        if (req.url === '/v1/traces') {
          const d = decodeRequest('traces', format, body);
          if (!d.ok) throw new Error(d.message);
          for (const rs of d.request.resourceSpans ?? []) {
            const resource = attrMap(rs.resource?.attributes);
            for (const ss of rs.scopeSpans ?? []) {
              for (const s of ss.spans ?? []) {
                spans.push({
                  service: resource['service.name'] ?? '', resource, scope: ss.scope?.name ?? '',
                  traceId: bytesToHex(s.traceId), spanId: bytesToHex(s.spanId), parentSpanId: bytesToHex(s.parentSpanId),
                  name: s.name ?? '', kind: s.kind ?? 0, startNs: int64ToBigInt(s.startTimeUnixNano),
                  endNs: int64ToBigInt(s.endTimeUnixNano), attrs: attrMap(s.attributes),
                  statusCode: s.status?.code ?? 0, statusMessage: s.status?.message ?? '',
                  events: (s.events ?? []).map((e) => ({ name: e.name ?? '', attrs: attrMap(e.attributes) })),
                });
              }
            }
          }
        } else if (req.url === '/v1/metrics') {
          const d = decodeRequest('metrics', format, body);
          if (!d.ok) throw new Error(d.message);
          for (const rm of d.request.resourceMetrics ?? []) {
            const service = attrMap(rm.resource?.attributes)['service.name'] ?? '';
            for (const sm of rm.scopeMetrics ?? []) {
              for (const m of sm.metrics ?? []) {
                const type = m.sum ? 'sum' : 'gauge';
                for (const p of (m.sum ?? m.gauge)?.dataPoints ?? []) {
                  const np = p as { asInt?: Parameters<typeof int64ToBigInt>[0]; asDouble?: number | null };
                  const value = np.asInt != null ? Number(int64ToBigInt(np.asInt)) : Number(np.asDouble ?? 0);
                  points.push({ service, name: m.name ?? '', type, value, attrs: attrMap(p.attributes) });
                }
              }
            }
          }
        }
        res.writeHead(200, { 'content-type': contentType.includes('json') ? 'application/json' : 'application/x-protobuf' });
        res.end(contentType.includes('json') ? '{}' : Buffer.alloc(0));
      };
      if (r.delayMs > 0) setTimeout(answer, r.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (r as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return r;
}
