import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { createSender, type OtlpSender } from '../../collector/otlp-sender.ts';

const servers: (Server | TcpServer)[] = [];
const senders: OtlpSender[] = [];

afterEach(async () => {
  for (const s of senders.splice(0)) s.close();
  for (const s of servers.splice(0)) {
    if ('closeAllConnections' in s) s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

interface Received {
  readonly body: Buffer;
  readonly headers: IncomingMessage['headers'];
  readonly url: string;
  readonly socketPort: number;
}

/** A real HTTP server answering each export with `answer`; records what arrived. */
async function serve(answer: (res: ServerResponse, n: number) => void): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ body: Buffer.concat(chunks), headers: req.headers, url: req.url ?? '', socketPort: req.socket.remotePort ?? 0 });
      answer(res, got.length);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, got, server };
}

function sender(url: string, extra: { gzip?: boolean; timeoutMs?: number; headers?: Record<string, string> } = {}): OtlpSender {
  const s = createSender({ url, json: false, gzip: extra.gzip ?? false, headers: extra.headers ?? {}, timeoutMs: extra.timeoutMs ?? 2000 });
  senders.push(s);
  return s;
}

describe('OTLP sender', () => {
  it('posts the body with its headers and reuses one keep-alive connection', async () => {
    const { url, got } = await serve((res) => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(Buffer.from([1, 2, 3])));
    const s = sender(url, { headers: { authorization: 'Bearer x', 'bad\nname': 'dropped' } });
    const body = Buffer.alloc(300_000, 7);
    for (let i = 0; i < 3; i++) expect(await s.send(body)).toEqual({ ok: true, status: 200, error: '' });
    expect(got).toHaveLength(3);
    expect(got[0]!.body.equals(body)).toBe(true);
    expect(got[0]!.url).toBe('/v1/traces');
    expect(got[0]!.headers).toMatchObject({ 'content-type': 'application/x-protobuf', authorization: 'Bearer x', 'content-length': '300000' });
    expect(new Set(got.map((g) => g.socketPort)).size).toBe(1);
  });

  it('reads chunked, empty and close-delimited answers and reports error statuses', async () => {
    const { url } = await serve((res, n) => {
      if (n === 1) { // chunked, with a trailer
        res.writeHead(200, { 'content-type': 'application/json', trailer: 'x-t' });
        res.write('{"partialSuccess":');
        res.addTrailers({ 'x-t': '1' });
        res.end('{}}');
      } else if (n === 2) res.writeHead(204).end();
      else if (n === 3) res.writeHead(503, { 'retry-after': '1' }).end('busy');
      else {
        res.writeHead(200, { connection: 'close' }); // no length: the body ends with the connection
        res.end('bye');
      }
    });
    const s = sender(url);
    expect(await s.send(Buffer.from('a'))).toEqual({ ok: true, status: 200, error: '' });
    expect(await s.send(Buffer.from('b'))).toEqual({ ok: true, status: 204, error: '' });
    expect(await s.send(Buffer.from('c'))).toEqual({ ok: false, status: 503, error: 'HTTP 503' });
    expect(await s.send(Buffer.from('d'))).toEqual({ ok: true, status: 200, error: '' });
    expect(await s.send(Buffer.from('e'))).toMatchObject({ ok: true }); // a new connection after the close
  });

  it('retries once on a new connection when the receiver closed the idle one', async () => {
    const { url, got, server } = await serve((res) => res.writeHead(200).end());
    const s = sender(url);
    expect((await s.send(Buffer.from('1'))).ok).toBe(true);
    server.closeIdleConnections();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await s.send(Buffer.from('2'))).ok).toBe(true);
    expect(got.map((g) => g.body.toString())).toEqual(['1', '2']);
  });

  it('sends the credentials of the URL as Basic authorization', async () => {
    const { url, got } = await serve((res) => res.writeHead(200).end());
    expect((await sender(url.replace('http://', 'http://user:p%40ss@')).send(Buffer.from('x'))).ok).toBe(true);
    expect(got[0]!.headers.authorization).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`);
  });

  it('gzips the body when asked', async () => {
    const { url, got } = await serve((res) => res.writeHead(200).end());
    const s = sender(url, { gzip: true });
    expect((await s.send(Buffer.from('hello hello hello'))).ok).toBe(true);
    expect(got[0]!.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(got[0]!.body).toString()).toBe('hello hello hello');
  });

  it('fails with ECONNREFUSED when nothing listens and with ETIMEDOUT when no answer comes', async () => {
    const probe = createTcpServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    expect(await sender(`http://127.0.0.1:${port}/v1/traces`).send(Buffer.from('x'))).toEqual({ ok: false, status: 0, error: 'ECONNREFUSED' });

    const sockets: Socket[] = [];
    const silent = createTcpServer((socket) => { sockets.push(socket); socket.resume(); });
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const started = Date.now();
    const r = await sender(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1/traces`, { timeoutMs: 200 }).send(Buffer.from('x'));
    expect(r).toEqual({ ok: false, status: 0, error: 'ETIMEDOUT' });
    expect(Date.now() - started).toBeLessThan(2000);
    for (const socket of sockets) socket.destroy();
  });

  it('fails on an answer that is not HTTP', async () => {
    const garbage = createTcpServer((socket) => socket.once('data', () => socket.end('SSH-2.0-nope\r\n\r\n')));
    servers.push(garbage);
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
    const r = await sender(`http://127.0.0.1:${(garbage.address() as AddressInfo).port}/v1/traces`).send(Buffer.from('x'));
    expect(r).toMatchObject({ ok: false, error: 'bad answer' });
  });
});
