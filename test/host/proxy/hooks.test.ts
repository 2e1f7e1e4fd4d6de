import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { createProxy, type ForwardOutcome } from '../../../host/proxy/index.ts';
import { get, ready, startFront, startWorker, type Front, type Worker } from './harness.ts';

describe('Proxy hooks and edge cases', () => {
  let worker: Worker;
  let front: Front;
  beforeAll(async () => {
    worker = startWorker('app');
    front = await startFront(worker, {
      decorateResponseHeaders: (headers, info) => {
        headers.push('X-Decorated', `${info.status}.${info.substatus}${info.hostError ? ' host' : ''}`);
      },
      rewriteRequestHeaders: (req, headers) => {
        headers.push('X-Forwarded-For', req.socket.remoteAddress ?? '', 'Bad\r\nName', 'x', 'X-Bad', 'a\r\nb');
        return headers;
      },
      renderError: (info) => ({ status: 200, contentType: 'text/html', body: `<p>${info.status}.${info.substatus} ${info.errno}</p>` }),
    });
    await ready(front);
  });
  afterAll(async () => {
    await front.close();
    await worker.stop();
  });

  it('lets decorateResponseHeaders add headers to worker responses', async () => {
    const r = await get(front.port, '/hello');
    expect(r.headers['x-decorated']).toBe('200.0');
  });

  it('lets rewriteRequestHeaders add request headers, dropping unsafe ones', async () => {
    const r = await get(front.port, '/inspect');
    const seen = JSON.parse(r.body.toString()) as { headers: Record<string, string> };
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-bad']).toBeUndefined();
  });

  it('renders host errors with renderError and decorates them', async () => {
    const dead = { id: 'dead', socketPath: `${worker.socketPath}.none`, pid: 1, hasExited: () => true };
    const other = await startFront(dead, { maxNamedPipeConnectionRetry: 2, namedPipeConnectionRetryDelay: 10,
      renderError: (info) => ({ status: 200, contentType: 'text/html', body: `<p>${info.status}.${info.substatus} ${info.errno}</p>` }),
      decorateResponseHeaders: (h, info) => { h.push('X-Decorated', `${info.status}.${info.substatus} ${info.hostError}`); } });
    try {
      const r = await get(other.port, '/');
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('text/html');
      expect(r.headers['cache-control']).toBe('no-cache');
      expect(r.headers['x-decorated']).toBe('200.1002 true');
      expect(r.body.toString()).toBe('<p>500.1002 ENOENT</p>');
    } finally {
      await other.close();
    }
  });

  it('adds a Host header for HTTP/1.0 clients that sent none', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const s = net.connect(front.port, '127.0.0.1');
      let got = '';
      s.on('data', (d) => { got += d.toString(); });
      s.on('end', () => resolve(got));
      s.on('error', reject);
      s.write('GET /inspect HTTP/1.0\r\n\r\n');
    });
    expect(reply).toMatch(/^HTTP\/1\.1 200/);
    expect(reply).toContain(`"host":"127.0.0.1:${front.port}"`);
  });

  it('relays an early answer while the client is still uploading, and does not reuse that connection', async () => {
    const next = front.nextOutcome();
    const r = await get(front.port, '/reject-body', { method: 'POST', headers: { 'Transfer-Encoding': 'chunked' },
      body: [Buffer.alloc(1000), Buffer.alloc(1000), Buffer.alloc(1000)], pieceDelayMs: 100 });
    expect(r.status).toBe(413);
    expect(r.body.toString()).toBe('too large');
    const o = await next;
    expect(o).toMatchObject({ status: 413, hostError: false });
    const again = await get(front.port, '/hello');
    expect(again.status).toBe(200);
  });

  it('settles at once with 499 when the client left before forward was called', async () => {
    const proxy = createProxy();
    let outcome: Promise<ForwardOutcome> | undefined;
    const server = http.createServer((req, res) => {
      // Like a request that waited in the dispatch queue while its client gave up.
      res.once('close', () => { outcome = proxy.forward(req, res, worker); });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const req = http.get({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: '/hello', agent: false });
      req.on('error', () => undefined);
      setTimeout(() => req.destroy(), 50);
      const deadline = Date.now() + 5000;
      while (!outcome && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(await outcome).toMatchObject({ status: 499, clientAborted: true });
    } finally {
      await proxy.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it.each([
    [true, 5],
    [false, 1],
  ])('with flushResponse=%s sends a burst of 5 worker chunks as %i client chunk(s)', async (flushResponse, expected) => {
    const f = await startFront(worker, { flushResponse });
    try {
      await get(f.port, '/hello'); // a pooled connection, so the burst arrives in one read
      const raw = await new Promise<string>((resolve, reject) => {
        const s = net.connect(f.port, '127.0.0.1');
        let got = '';
        s.on('data', (d) => { got += d.toString('latin1'); if (got.endsWith('0\r\n\r\n')) { s.destroy(); resolve(got); } });
        s.on('error', reject);
        s.write('GET /burst HTTP/1.1\r\nHost: x\r\n\r\n');
      });
      const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
      const sizes = body.split('\r\n').filter((_l, i) => i % 2 === 0 && _l !== '').map((l) => parseInt(l, 16));
      expect(sizes.filter((n) => n > 0)).toHaveLength(expected);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(30);
    } finally {
      await f.close();
    }
  });
});
