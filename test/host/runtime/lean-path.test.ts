import { afterEach, describe, expect, it } from '@jest/globals';
import { cleanup, converse, startHost } from './helpers.ts';

afterEach(cleanup);

interface Parsed { status: number; headers: Record<string, string>; body: string }

/** Splits a byte stream of HTTP/1.1 responses (Content-Length, chunked or bodyless) into responses. */
function parseResponses(text: string, bodyless: (i: number) => boolean = () => false): Parsed[] {
  const out: Parsed[] = [];
  let pos = 0;
  while (pos < text.length) {
    const end = text.indexOf('\r\n\r\n', pos);
    if (end < 0) throw new Error(`incomplete head at ${pos}: ${JSON.stringify(text.slice(pos, pos + 80))}`);
    const lines = text.slice(pos, end).split('\r\n');
    const status = Number(lines[0]!.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const c = line.indexOf(':');
      const name = line.slice(0, c).toLowerCase();
      headers[name] = headers[name] === undefined ? line.slice(c + 1).trim() : `${headers[name]}, ${line.slice(c + 1).trim()}`;
    }
    pos = end + 4;
    let body = '';
    if (bodyless(out.length) || status === 204 || status === 304) {
      // no body
    } else if (headers['transfer-encoding'] === 'chunked') {
      for (;;) {
        const lineEnd = text.indexOf('\r\n', pos);
        const size = parseInt(text.slice(pos, lineEnd), 16);
        pos = lineEnd + 2;
        if (size === 0) {
          pos += 2;
          break;
        }
        body += text.slice(pos, pos + size);
        pos += size + 2;
      }
    } else {
      const n = Number(headers['content-length'] ?? 0);
      body = text.slice(pos, pos + n);
      pos += n;
    }
    out.push({ status, headers, body });
  }
  return out;
}

const withoutDate = (h: Record<string, string>): Record<string, string> => {
  const { date: _date, ...rest } = h;
  return rest;
};

describe('Front server lean path', () => {
  it('serves pipelined plain requests and a request with a body on one connection, in order', async () => {
    const { host } = await startHost([{ script: 'shapes.cjs' }]);
    const { text } = await converse(host.address()!.port,
      'GET /a HTTP/1.1\r\nHost: x\r\n\r\n' +
      'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello' +
      'GET /b HTTP/1.1\r\nHost: x\r\n\r\n' +
      'DELETE /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const replies = parseResponses(text);
    expect(replies.map((r) => [r.status, r.body])).toEqual([[200, 'GET /a'], [200, 'hello'], [200, 'GET /b'], [200, 'DELETE /c']]);
    expect(replies[3]!.headers.connection).toBe('close');
  });

  it('keeps request bytes split across reads intact although every read reuses one buffer', async () => {
    const { host } = await startHost([{ script: 'shapes.cjs' }]);
    // A head cut in two, then a read holding the rest, a whole pipelined request and the start of another: the
    // kept pieces must survive the reads that follow them.
    const { text } = await converse(host.address()!.port, [
      'GET /a HTTP/1.1\r\nHo',
      'st: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\nGET /c HT',
      'TP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    ]);
    expect(parseResponses(text).map((r) => [r.status, r.body])).toEqual([[200, 'GET /a'], [200, 'GET /b'], [200, 'GET /c']]);
  });

  it('reads client connections into the shared buffer on this Node version', async () => {
    const { createServer, connect } = await import('node:net');
    const { readIntoSharedBuffer } = await import('../../../host/server/shared-read-buffer.ts');
    const got = await new Promise<{ switched: boolean; text: string }>((resolve) => {
      const server = createServer((socket) => {
        const switched = readIntoSharedBuffer(socket, (bytes) => {
          resolve({ switched, text: bytes.toString() });
          socket.destroy();
          server.close();
        });
      }).listen(0, '127.0.0.1', () => {
        const address = server.address();
        const c = connect(typeof address === 'object' && address ? address.port : 0, '127.0.0.1', () => c.end('ping'));
        c.on('error', () => {});
      });
    });
    expect(got).toEqual({ switched: true, text: 'ping' });
  });

  it('frames responses exactly as node\'s server does: length, chunked, HEAD and 204', async () => {
    const { host } = await startHost([{ script: 'shapes.cjs' }]);
    const port = host.address()!.port;
    // The same requests, plain (lean path) and with an empty chunked body (node's server).
    const paths = ['/len', '/chunked', '/empty', '/len'];
    const methods = ['GET', 'GET', 'GET', 'HEAD'];
    const send = (general: boolean): string => paths.map((p, i) => `${methods[i]} ${p} HTTP/1.1\r\nHost: x\r\n` +
      (general ? 'Transfer-Encoding: chunked\r\n' : '') + (i === paths.length - 1 ? 'Connection: close\r\n' : '') +
      (general ? '\r\n0\r\n\r\n' : '\r\n')).join('');
    const isHead = (i: number): boolean => methods[i] === 'HEAD';
    const lean = parseResponses((await converse(port, send(false))).text, isHead);
    const general = parseResponses((await converse(port, send(true))).text, isHead);
    expect(lean.map((r) => ({ ...r, headers: withoutDate(r.headers) })))
      .toEqual(general.map((r) => ({ ...r, headers: withoutDate(r.headers) })));
    expect(lean[1]!.headers['transfer-encoding']).toBe('chunked');
    expect(lean[1]!.body).toBe('abc');
    expect(lean[0]!.headers['set-cookie']).toBe('a=1, b=2'); // repeated headers kept (joined by the test's parser)
    expect(lean[3]!.body).toBe('');
  });

  it('hands a connection to node\'s parser at the first malformed request, which then gets 400', async () => {
    const { host } = await startHost([{ script: 'shapes.cjs' }]);
    const { text } = await converse(host.address()!.port, ['GET /ok HTTP/1.1\r\nHost: x\r\n\r\n', 'GET /bad path HTTP/1.1\r\n\r\n']);
    expect(text).toMatch(/^HTTP\/1\.1 200 [\s\S]*GET \/ok[\s\S]*HTTP\/1\.1 400 /);
  });

  it('sends the client\'s headers to the worker as received, with its own Connection header', async () => {
    const { host } = await startHost([{ script: 'shapes.cjs' }]);
    const { text } = await converse(host.address()!.port,
      'GET /headers HTTP/1.1\r\nHost: example.test\r\nX-Mixed-Case: Value  With  Spaces\r\nAccept: */*\r\nConnection: close\r\n\r\n');
    const [reply] = parseResponses(text);
    expect(JSON.parse(reply!.body)).toEqual(['Host', 'example.test', 'X-Mixed-Case', 'Value  With  Spaces', 'Accept', '*/*',
      'Connection', 'keep-alive']);
  });

  it('closes an idle keep-alive connection after keepAliveTimeout', async () => {
    const { host } = await startHost([{ script: 'shapes.cjs' }],
      { server: { keepAliveTimeout: 300, connectionsCheckingInterval: 100 } });
    const { text, closedAfterMs, firstByteAfterMs } = await converse(host.address()!.port, 'GET /a HTTP/1.1\r\nHost: x\r\n\r\n', 5000);
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text).toMatch(/Keep-Alive: timeout=0/);
    // Idle time counts from the answer, not from connecting: a loaded machine may take a while to answer.
    const idleMs = closedAfterMs - firstByteAfterMs;
    expect(idleMs).toBeGreaterThanOrEqual(290);
    expect(idleMs).toBeLessThan(1500);
  });
});
