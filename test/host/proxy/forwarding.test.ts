import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import net from 'node:net';
import { type Front, get, startAppFront, stopAppFront, type Worker } from './harness.ts';

describe('Proxy', () => {
  let worker: Worker;
  let front: Front;

  beforeAll(async () => {
    ({ worker, front } = await startAppFront());
  });
  afterAll(() => stopAppFront(worker, front));

  describe('#forward', () => {
    it('relays a hello world response and reports the outcome', async () => {
      const next = front.nextOutcome();
      const r = await get(front.port, '/hello');
      expect(r.status).toBe(200);
      expect(r.body.toString()).toBe('hello world');
      const o = await next;
      expect(o).toMatchObject({ status: 200, substatus: 0, hostError: false, truncated: false, workerPid: worker.pid });
      expect(o.bytesOut).toBe(11);
    });

    it('sends method, target, repeated and empty request headers as received', async () => {
      const r = await get(front.port, '/inspect?q=1&q=2', {
        method: 'PUT',
        headers: ['Host', 'x', 'X-Multi', 'a', 'X-Multi', 'b', 'X-Empty', '', 'Content-Type', 'text/plain', 'Content-Length', '4'],
        body: 'data',
      });
      const seen = JSON.parse(r.body.toString()) as { method: string; url: string; rawHeaders: string[]; body: string };
      expect(seen.method).toBe('PUT');
      expect(seen.url).toBe('/inspect?q=1&q=2');
      expect(seen.body).toBe('data');
      const pairs: string[] = [];
      for (let i = 0; i < seen.rawHeaders.length; i += 2) pairs.push(`${seen.rawHeaders[i]}=${seen.rawHeaders[i + 1]}`);
      expect(pairs).toEqual(expect.arrayContaining(['X-Multi=a', 'X-Multi=b', 'X-Empty=', 'Connection=keep-alive']));
      expect(pairs.indexOf('X-Multi=a')).toBeLessThan(pairs.indexOf('X-Multi=b'));
    });

    it('drops hop-by-hop request headers and those named in Connection', async () => {
      const r = await get(front.port, '/inspect', {
        headers: { Connection: 'keep-alive, X-Hop', 'X-Hop': 'secret', 'Keep-Alive': 'timeout=9', TE: 'trailers',
          'X-End': 'kept' },
      });
      const seen = JSON.parse(r.body.toString()) as { headers: Record<string, string> };
      expect(seen.headers['x-hop']).toBeUndefined();
      expect(seen.headers['keep-alive']).toBeUndefined();
      expect(seen.headers.te).toBeUndefined();
      expect(seen.headers['x-end']).toBe('kept');
      expect(seen.headers.connection).toBe('keep-alive');
    });

    it('relays repeated response headers, empty values and the reason phrase', async () => {
      const r = await get(front.port, '/repeated');
      expect(r.statusMessage).toBe('Fine Thanks');
      expect(r.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
      const foo = r.rawHeaders.filter((_v, i) => i % 2 === 1 && r.rawHeaders[i - 1]!.toLowerCase() === 'foo');
      expect(foo).toEqual(['one', 'two']);
      expect(r.headers['x-empty']).toBe('');
    });

    it('relays HEAD, 204 and 304 responses without a body', async () => {
      const head = await get(front.port, '/hello', { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.body.length).toBe(0);
      const noContent = await get(front.port, '/status?code=204');
      expect(noContent.status).toBe(204);
      expect(noContent.body.length).toBe(0);
      const notModified = await get(front.port, '/status?code=304');
      expect(notModified.status).toBe(304);
      expect(notModified.headers.etag).toBe('"v1"');
      expect(notModified.body.length).toBe(0);
    });

    it('streams a chunked response chunk by chunk as the worker writes it', async () => {
      const r = await get(front.port, '/chunked?n=10&every=200');
      expect(r.body.toString().split('\n').filter(Boolean)).toHaveLength(10);
      expect(r.headers['transfer-encoding']).toBe('chunked');
      // Ten pieces spread over ~1.8 s, not one lump at the end.
      expect(r.pieces.length).toBeGreaterThanOrEqual(8);
      expect(r.pieces[r.pieces.length - 1]!.at - r.pieces[0]!.at).toBeGreaterThan(1200);
    });

    it('keeps a chunked upload chunked and streams a body back while it is still being sent', async () => {
      const up = await get(front.port, '/upload', { method: 'POST', body: [Buffer.from('ab'), Buffer.from('cd')],
        headers: { 'Transfer-Encoding': 'chunked' } });
      expect(JSON.parse(up.body.toString())).toEqual({ bytes: 4, te: 'chunked' });
      const echo = await get(front.port, '/echo', { method: 'POST', body: ['one', 'two', 'three'].map((s) => Buffer.from(s)),
        pieceDelayMs: 150, headers: { 'Transfer-Encoding': 'chunked' } });
      expect(echo.body.toString()).toBe('onetwothree');
      // The first piece came back before the last one was sent (full duplex).
      expect(echo.pieces[0]!.at).toBeLessThan(250);
    });

    it('answers Expect: 100-continue itself and forwards the body without Expect', async () => {
      const body = await new Promise<string>((resolve, reject) => {
        const s = net.connect(front.port, '127.0.0.1');
        let got = '';
        s.on('data', (d) => {
          got += d.toString();
          if (got.startsWith('HTTP/1.1 100') && !got.includes('200')) s.write('data');
          if (got.includes('"body":"data"')) { s.destroy(); resolve(got); }
        });
        s.on('error', reject);
        s.write('POST /inspect HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n');
      });
      expect(body).toMatch(/^HTTP\/1\.1 100 Continue/);
      expect(body).not.toMatch(/"expect"/);
    });

    it('passes non-ASCII header bytes through unchanged', async () => {
      const reply = await new Promise<Buffer>((resolve, reject) => {
        const s = net.connect(front.port, '127.0.0.1');
        const chunks: Buffer[] = [];
        s.on('data', (d: Buffer) => { chunks.push(d); if (Buffer.concat(chunks).includes('}')) { s.destroy(); resolve(Buffer.concat(chunks)); } });
        s.on('error', reject);
        s.on('close', () => resolve(Buffer.concat(chunks)));
        s.write(Buffer.concat([Buffer.from('GET /inspect HTTP/1.1\r\nHost: x\r\nX-Name: caf'),
          Buffer.from([0xe9]), Buffer.from('\r\n\r\n')]));
      });
      const text = reply.toString('utf8');
      const seen = JSON.parse(text.slice(text.indexOf('{'))) as { headers: Record<string, string> };
      expect(seen.headers['x-name']).toBe('caf\u00e9');
    });
  });
});
