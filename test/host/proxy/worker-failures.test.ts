import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import { type Front, get, ready, startAppFront, startFront, startWorker, stopAppFront, until, type Worker } from './harness.ts';

describe('Proxy worker failures', () => {
  describe('with a worker that answers broken HTTP', () => {
    let worker: Worker;
    let front: Front;
    beforeAll(async () => {
      worker = startWorker('raw');
      await worker.waitForLine('listening');
      front = await startFront(worker, { maxRequestBufferSize: 16384, responseHeadTimeout: 500 });
    });
    afterAll(async () => {
      await front.close();
      await worker.stop();
    });

    async function outcomeOf(path: string): Promise<[Awaited<ReturnType<typeof get>>, Awaited<ReturnType<Front['nextOutcome']>>]> {
      const next = front.nextOutcome();
      const r = await get(front.port, path);
      return [r, await next];
    }

    it.each([
      [1013, 'not HTTP at all', '/garbage'],
      [1013, 'a malformed status line', '/bad-status'],
      [1013, 'a connection closed inside the status line', '/close-in-status'],
      [1014, 'a header line without a colon', '/bad-header'],
      [1014, 'a connection closed inside the headers', '/close-in-headers'],
      [1012, 'headers larger than maxRequestBufferSize', '/huge-headers'],
      [1011, 'a connection closed before any response byte', '/close-now'],
      [1014, 'a head that never ends (responseHeadTimeout)', '/trickle'],
    ])('answers 500.%i for %s', async (substatus, _what, path) => {
      const [r, o] = await outcomeOf(path as string);
      expect(r.status).toBe(500);
      expect(r.body.toString()).toMatch(new RegExp(`^500\\.${substatus} `));
      expect(o).toMatchObject({ status: 500, substatus, hostError: true, truncated: false });
    });

    it.each([
      [1015, '/bad-chunk'],
      [1015, '/close-in-chunk-size'],
      [1016, '/short-body'],
    ])('ends the client connection (truncated, 500.%i recorded) when %s fails after the headers', async (substatus, path) => {
      const [r, o] = await outcomeOf(path as string);
      expect(r.status).toBe(200);
      expect(r.aborted).toBe(true);
      expect(o).toMatchObject({ status: 200, substatus, truncated: true, hostError: false });
    });

    it('answers 500.1010 when the worker closes while the request body is being sent', async () => {
      const next = front.nextOutcome();
      const r = await get(front.port, '/destroy-mid-body', { method: 'POST', headers: { 'Transfer-Encoding': 'chunked' },
        body: [Buffer.alloc(1000), Buffer.alloc(1000), Buffer.alloc(1000)], pieceDelayMs: 100 }).catch(() => undefined);
      const o = await next;
      expect(o).toMatchObject({ status: 500, substatus: 1010, hostError: true });
      if (r) expect(r.status).toBe(500); // the client may also see its upload cut off instead
    });

    it('relays a worker status line with an iisnode substatus, keeping the substatus in the outcome', async () => {
      const [r, o] = await outcomeOf('/substatus');
      expect(r.status).toBe(500);
      expect(r.statusMessage).toBe('Custom Reason');
      expect(r.body.toString()).toBe('ok');
      expect(o).toMatchObject({ status: 500, substatus: 1001, hostError: false });
    });

    it('skips interim 1xx responses and relays the final one', async () => {
      const [r] = await outcomeOf('/interim');
      expect(r.status).toBe(200);
      expect(r.body.toString()).toBe('final');
    });

    it('treats a close-delimited body as complete when the worker closes', async () => {
      const [r, o] = await outcomeOf('/close-delimited');
      expect(r.body.toString()).toBe('all of it');
      expect(r.aborted).toBe(false);
      expect(o).toMatchObject({ status: 200, truncated: false });
    });

    it('does not reuse a connection that sent bytes after a complete body', async () => {
      const before = front.proxy.stats().connectionsOpened;
      const [r] = await outcomeOf('/extra-bytes');
      expect(r.body.toString()).toBe('ok');
      await outcomeOf('/substatus');
      expect(front.proxy.stats().connectionsOpened).toBe(before + 2);
    });
  });

  describe('with a worker that crashes', () => {
    let worker: Worker;
    let front: Front;
    beforeAll(async () => {
      ({ worker, front } = await startAppFront());
    });
    afterAll(() => stopAppFront(worker, front));

    it('answers 500.1011 when the worker dies before responding', async () => {
      const next = front.nextOutcome();
      const r = await get(front.port, '/crash');
      expect(r.status).toBe(500);
      expect(await next).toMatchObject({ status: 500, substatus: 1011, hostError: true });
    });

    it('truncates the response (500.1016 recorded) when the worker dies mid-body', async () => {
      await worker.stop();
      worker = startWorker('app');
      front.target = worker;
      await ready(front);
      const next = front.nextOutcome();
      const r = await get(front.port, '/crash-mid-body');
      expect(r.status).toBe(200);
      expect(r.aborted).toBe(true);
      expect(r.body.toString()).toBe('partial');
      expect(await next).toMatchObject({ status: 200, substatus: 1016, truncated: true });
    });
  });

  describe('with a client that leaves', () => {
    let worker: Worker;
    let front: Front;
    beforeAll(async () => {
      ({ worker, front } = await startAppFront());
    });
    afterAll(() => stopAppFront(worker, front));

    it('aborts the worker request when the client disconnects while waiting', async () => {
      const next = front.nextOutcome();
      const req = http.get({ host: '127.0.0.1', port: front.port, path: '/hang?id=1', agent: false });
      req.on('error', () => undefined);
      await worker.waitForLine('hang-start /hang?id=1');
      req.destroy();
      await worker.waitForLine('closed /hang?id=1 finished=false');
      expect(await next).toMatchObject({ status: 499, clientAborted: true });
    });

    it('aborts the worker request when the client disconnects mid-download (500.1017 recorded)', async () => {
      const next = front.nextOutcome();
      const req = http.get({ host: '127.0.0.1', port: front.port, path: '/download?bytes=200000000', agent: false });
      req.on('error', () => undefined);
      let got = 0;
      req.on('response', (res) => res.on('data', (c: Buffer) => {
        got += c.length;
        if (got > 1_000_000) req.destroy();
      }));
      const o = await next;
      expect(o).toMatchObject({ status: 200, substatus: 1017, truncated: true, clientAborted: true });
      expect(o.bytesOut).toBeLessThan(200_000_000);
      await until(() => front.proxy.stats().idle.get(worker.id) === undefined || front.proxy.stats().idle.get(worker.id)! <= 1);
    });
  });
});
