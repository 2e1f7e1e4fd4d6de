import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:net';
import WebSocket from 'ws';
import { DebugPortAllocator } from '../../../host/diagnostics/index.ts';
import { cleanup, httpGet, startHost, waitFor } from '../runtime/helpers.ts';
import { fixture, rawGet } from './helpers.ts';

afterEach(cleanup);

/** Holds 127.0.0.1:`port` so the allocator has to skip it. */
function holdPort(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/**
 * A random 40-port range in 20000–31999: below Linux's ephemeral range (32768+), so no outgoing connection of a
 * parallel test holds one of its ports, and random so parallel test files do not meet.
 */
function randomRange(): { start: number; end: number; text: string } {
  const start = 20_000 + Math.floor(Math.random() * 240) * 50;
  return { start, end: start + 39, text: `${start}-${start + 39}` };
}

describe('debuggingEnabled', () => {
  it('starts one worker with the inspector on a port of the range and describes how to attach', async () => {
    const range = randomRange();
    const { host, base } = await startHost([{
      script: fixture('app.cjs'), settings: { debuggingEnabled: true, debuggerPortRange: range.text, nodeProcessCountPerApplication: 3 },
    }]);
    expect(host.apps[0]!.pool.slots).toHaveLength(1); // iisnode: debug mode means one process
    const pid = (await httpGet(`${base}/`)).headers['x-worker-pid'];

    const redirect = await rawGet(base, '/debug?x=1');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/debug/?x=1');

    const page = await waitFor(async () => {
      const r = await rawGet(base, '/debug/');
      return r.status === 200 ? r : undefined;
    }, 10_000, 'inspector page');
    const m = /ws:\/\/127\.0\.0\.1:(\d+)\/[0-9a-f-]{36}/.exec(page.body);
    expect(m).not.toBeNull();
    const port = Number(m![1]);
    expect(port).toBeGreaterThanOrEqual(range.start);
    expect(port).toBeLessThanOrEqual(range.end);
    expect(page.body).toContain(`worker PID <b>${pid}</b>`);
    expect(page.body).toContain('chrome://inspect');
    expect(page.body).toContain(`node inspect ws://127.0.0.1:${port}/`);
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'/);

    const json = await rawGet(base, '/debug/?json');
    const info = JSON.parse(json.body) as { port: number; workerPid: number; targets: { webSocketDebuggerUrl: string }[] };
    expect(info.port).toBe(port);
    expect(String(info.workerPid)).toBe(pid);
    expect(info.targets[0]!.webSocketDebuggerUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${port}/`));
    // Other paths still reach the app.
    expect((await rawGet(base, '/debugger')).body).toContain('path=/debugger');
  });

  it('restarts the worker paused before its first line on ?brk, and plainly on ?kill (iisnode test 109)', async () => {
    const range = randomRange();
    const { host, base } = await startHost([{ script: fixture('app.cjs'), settings: { debuggingEnabled: true, debuggerPortRange: range.text } }]);
    const pid1 = (await httpGet(`${base}/`)).headers['x-worker-pid'];

    const brk = await rawGet(base, '/debug/?brk');
    expect(brk.status).toBe(200);
    expect(brk.body).toMatch(new RegExp(`^Worker ${pid1} was stopped\\. Worker \\d+ is starting .*paused before the app's first line`));
    const info = await waitFor(async () => {
      const i = JSON.parse((await rawGet(base, '/debug/?json')).body) as { workerPid: number; targets: { webSocketDebuggerUrl: string }[] };
      return i.targets.length > 0 && String(i.workerPid) !== pid1 ? i : undefined;
    }, 10_000, 'inspector of the new worker');
    await new Promise((r) => setTimeout(r, 300));
    expect(host.apps[0]!.pool.slots[0]!.worker!.state).toBe('starting'); // paused: the app has not listened
    // Attach like a debugger does and let the app run; only then does it listen and answer.
    const ws = new WebSocket(info.targets[0]!.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ id: 1, method: 'Runtime.runIfWaitingForDebugger' }));
    const pid2 = (await httpGet(`${base}/`)).headers['x-worker-pid'];
    expect(pid2).toBe(String(info.workerPid));
    ws.close();

    const kill = await rawGet(base, '/debug/?KILL');
    expect(kill.body).toMatch(new RegExp(`^Worker ${pid2} was stopped\\. Worker \\d+ is starting with the inspector on 127\\.0\\.0\\.1:\\d+\\. `));
    const pid3 = (await httpGet(`${base}/`)).headers['x-worker-pid'];
    expect(pid3).not.toBe(pid2);
  });

  it('uses debuggerPathSegment under the app\'s path prefix', async () => {
    const range = randomRange();
    const { base } = await startHost([{
      script: fixture('app.cjs'), pathPrefix: '/api',
      settings: { debuggingEnabled: true, debuggerPortRange: range.text, debuggerPathSegment: 'inspect-7f3a' },
    }]);
    expect((await rawGet(base, '/api/inspect-7f3a')).headers.location).toBe('/api/inspect-7f3a/');
    expect((await rawGet(base, '/api/debug')).body).toContain('path=/api/debug');
  });

  it('leaves /debug to the app when off (iisnode test 111)', async () => {
    const { base } = await startHost([{ script: fixture('app.cjs') }]);
    const reply = await rawGet(base, '/debug');
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('path=/debug');
    expect((await rawGet(base, '/debug/')).body).toContain('path=/debug/');
  });
});

describe('DebugPortAllocator', () => {
  it('hands out checked ports round robin and skips a busy one', async () => {
    const range = randomRange();
    const busy = await holdPort(range.start);
    try {
      const allocator = new DebugPortAllocator(`${range.start}-${range.start + 3}`);
      await allocator.prepare();
      const first = allocator.take();
      expect(first).toBe(range.start + 1); // range.start is held by `busy`
      await allocator.prepare();
      expect(allocator.take()).toBe(range.start + 2);
    } finally {
      busy.close();
    }
  });
});
