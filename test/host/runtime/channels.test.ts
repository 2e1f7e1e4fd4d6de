import { afterEach, describe, expect, it } from '@jest/globals';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { RejectedEvent, RequestEvent, WorkerEvent } from '../../../host/server/index.ts';
import { cleanup, httpGet, startHost, waitFor } from './helpers.ts';

afterEach(cleanup);

describe('Host instrumentation channels', () => {
  it('publishes worker lifecycle, forwarded requests and host-answered requests', async () => {
    const requests: RequestEvent[] = [];
    const rejected: RejectedEvent[] = [];
    const workers: WorkerEvent[] = [];
    const onRequest = (m: unknown): void => void requests.push(m as RequestEvent);
    const onRejected = (m: unknown): void => void rejected.push(m as RejectedEvent);
    const onWorker = (m: unknown): void => void workers.push(m as WorkerEvent);
    subscribe('nodefarm:request', onRequest);
    subscribe('nodefarm:rejected', onRejected);
    subscribe('nodefarm:worker', onWorker);
    try {
      const { base } = await startHost([{ name: 'hello', script: 'hello.cjs', pathPrefix: '/app' }]);
      expect((await httpGet(`${base}/app/x`)).status).toBe(200);
      expect((await httpGet(`${base}/elsewhere`)).status).toBe(404);
      await waitFor(() => requests.length === 1, 5000, 'request event');
      expect(requests[0]).toMatchObject({ app: 'hello', upgrade: false, outcome: { status: 200, hostError: false } });
      expect(requests[0]!.req.url).toBe('/app/x');
      expect(rejected).toEqual([expect.objectContaining({ app: null, status: 404, substatus: 0 })]);
      expect(workers.map((w) => w.event.type)).toEqual(expect.arrayContaining(['worker-spawn', 'worker-ready']));
      expect(workers.every((w) => w.app === 'hello')).toBe(true);
    } finally {
      unsubscribe('nodefarm:request', onRequest);
      unsubscribe('nodefarm:rejected', onRejected);
      unsubscribe('nodefarm:worker', onWorker);
    }
  });
});
