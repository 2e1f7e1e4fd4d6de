import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { ResponseHead } from '../../../host/proxy/response-head.ts';
import { ResponseParser } from '../../../host/proxy/response-parser.ts';

/** Feeds `pieces` and records what the parser reports. */
function parse(pieces: Buffer[], opts: { isHead?: boolean; maxHead?: number; eof?: boolean } = {}) {
  const seen = { head: undefined as ResponseHead | undefined, body: [] as Buffer[], complete: false, malformed: 0, finish: -1 };
  const parser = new ResponseParser({
    onHead: (h) => { seen.head = h; },
    onBody: (c) => { seen.body.push(Buffer.from(c)); },
    onComplete: (last) => { if (last) seen.body.push(Buffer.from(last)); seen.complete = true; },
    onMalformed: (s) => { seen.malformed = s; },
  }, opts.maxHead ?? 65536);
  parser.reset(opts.isHead ?? false);
  for (const p of pieces) parser.execute(p);
  if (opts.eof) seen.finish = parser.finish();
  return { ...seen, text: Buffer.concat(seen.body).toString(), parser };
}

const chunked = Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n' +
  '5\r\nhello\r\n1;ext=1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n');

describe('ResponseParser', () => {
  it('decodes a chunked response split at every byte boundary', () => {
    for (let i = 1; i < chunked.length; i++) {
      const r = parse([chunked.subarray(0, i), chunked.subarray(i)]);
      expect({ at: i, text: r.text, complete: r.complete, malformed: r.malformed })
        .toEqual({ at: i, text: 'hello 0123456789', complete: true, malformed: 0 });
    }
  });

  it('decodes a response fed one byte at a time', () => {
    const r = parse([...chunked].map((b) => Buffer.from([b])));
    expect(r.text).toBe('hello 0123456789');
    expect(r.head?.headers).toEqual(['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2']);
  });

  it('reads a Content-Length body and flags bytes after it', () => {
    const r = parse([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcEXTRA')]);
    expect(r.text).toBe('abc');
    expect(r.complete).toBe(true);
    expect(r.parser.extraBytes).toBe(true);
  });

  it('parses an iisnode substatus status line and an empty reason', () => {
    expect(parse([Buffer.from('HTTP/1.1 503.1003 Busy\r\nContent-Length: 0\r\n\r\n')]).head)
      .toMatchObject({ status: 503, substatus: 1003, reason: 'Busy', framing: 'none' });
    expect(parse([Buffer.from('HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n')]).head).toMatchObject({ status: 200, reason: '' });
  });

  it('marks HTTP/1.0 answers and Connection: close as not reusable, and reads the keep-alive timeout', () => {
    expect(parse([Buffer.from('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n')]).head?.reusable).toBe(false);
    expect(parse([Buffer.from('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n')]).head?.reusable).toBe(true);
    expect(parse([Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')]).head?.reusable).toBe(false);
    expect(parse([Buffer.from('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5\r\nContent-Length: 0\r\n\r\n')]).head?.keepAliveMs).toBe(4000);
  });

  it('drops connection-level response headers and those named in Connection', () => {
    const r = parse([Buffer.from('HTTP/1.1 200 OK\r\nConnection: x-hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\nX-Keep: 2\r\nContent-Length: 0\r\n\r\n')]);
    expect(r.head?.headers).toEqual(['X-Keep', '2', 'Content-Length', '0']);
  });

  it('rejects conflicting Content-Length headers (1014) and prefers Transfer-Encoding over Content-Length', () => {
    expect(parse([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n')]).malformed).toBe(1014);
    const r = parse([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n')]);
    expect(r.text).toBe('a');
    expect(r.head?.reusable).toBe(false);
  });

  it('reports where an ended connection cut the response', () => {
    expect(parse([], { eof: true }).finish).toBe(1011);
    expect(parse([Buffer.from('HTTP/1.1 2')], { eof: true }).finish).toBe(1013);
    expect(parse([Buffer.from('HTTP/1.1 200 OK\r\nA: b')], { eof: true }).finish).toBe(1014);
    expect(parse([Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5')], { eof: true }).finish).toBe(1015);
    expect(parse([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab')], { eof: true }).finish).toBe(1016);
    const closeDelimited = parse([Buffer.from('HTTP/1.1 200 OK\r\n\r\nuntil the end')], { eof: true });
    expect([closeDelimited.finish, closeDelimited.text, closeDelimited.complete]).toEqual([0, 'until the end', true]);
  });

  it('rejects an oversized head with 1012 and an oversized chunk-size line with 1015', () => {
    expect(parse([Buffer.from(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(2000)}\r\n\r\n`)], { maxHead: 1024 }).malformed).toBe(1012);
    expect(parse([Buffer.from(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1${';x'.repeat(1000)}`)], { maxHead: 1024 }).malformed).toBe(1015);
  });

  it('accumulates a head trickled one byte at a time in linear time', () => {
    const big = Buffer.from(`HTTP/1.1 200 OK\r\nX-Big: ${'b'.repeat(60000)}\r\nContent-Length: 1\r\n\r\nz`);
    const t0 = Date.now();
    const r = parse([...big].map((b) => Buffer.from([b])));
    expect(r.text).toBe('z');
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('never throws on random input', () => {
    for (let i = 0; i < 2000; i++) {
      const prefix = i % 2 ? Buffer.from('HTTP/1.1 200 OK\r\n') : Buffer.alloc(0);
      const junk = randomBytes(1 + (i % 200));
      if (i % 3 === 0) junk.write('\r\n\r\n', junk.length > 8 ? 4 : 0);
      expect(() => parse([prefix, junk, randomBytes(i % 50)], { eof: true, maxHead: 1024 })).not.toThrow();
    }
  });
});
