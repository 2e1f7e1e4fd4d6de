import { afterEach, describe, expect, it } from '@jest/globals';
import { cleanup as cleanupHosts, isAlive, startHost, waitFor, fastRetries } from '../runtime/helpers.ts';
import { get, labelApp, makeAppDir, memoryLogger, runCleanups, startLoad } from './helpers.ts';

afterEach(async () => {
  await cleanupHosts();
  await runCleanups();
});

describe('Recycle', () => {
  it('loses no request under a steady load of 4 concurrent loops through several recycles', async () => {
    const app = makeAppDir();
    const script = app.write('server.js', labelApp('v0'));
    const { host, base } = await startHost([{
      script, name: 'web', settings: { nodeProcessCountPerApplication: 2, gracefulShutdownTimeout: 5000 },
    }]);
    await waitFor(async () => (await get(`${base}/`)).status === 200, 10_000, 'first answer');
    const load = startLoad(`${base}/`, 4);
    const seenPids = new Set<string>();
    for (let round = 1; round <= 4; round++) {
      const before = load.ok;
      const oldPids = host.apps[0]!.pool.slots.map((s) => s.worker!.pid);
      expect(host.recycle('web')).toBe(true);
      await host.recyclesSettled('web');
      await waitFor(() => load.ok > before + 20, 10_000, 'requests after the recycle');
      const newPids = host.apps[0]!.pool.slots.map((s) => s.worker!.pid);
      for (const pid of newPids) expect(oldPids).not.toContain(pid);
      for (const pid of [...oldPids, ...newPids]) seenPids.add(String(pid));
    }
    await load.stop();
    expect(load.failures).toEqual([]);
    expect(load.ok).toBeGreaterThan(100);
    const status = await host.status();
    expect(status.apps[0]!.recycle).toMatchObject({ recycles: 4, failures: 0, state: 'idle' });
    expect(seenPids.size).toBe(10);
  });

  it('keeps the old workers serving when the new version crashes on start, and reports the failed recycle', async () => {
    const app = makeAppDir();
    const script = app.write('server.js', labelApp('good'));
    const log = memoryLogger();
    const { host, base } = await startHost([{ script, name: 'web', settings: { ...fastRetries } }], {
      log, watchFiles: false, workerOutput: 'pipe', onWorkerOutput: () => {}, // stderr kept for the exit reason
    });
    await waitFor(async () => (await get(`${base}/`)).status === 200, 10_000, 'first answer');
    const oldPid = host.apps[0]!.pool.slots[0]!.worker!.pid;
    app.write('server.js', "throw new Error('broken deploy');\n");
    const load = startLoad(`${base}/`, 2);
    expect(host.recycle('web')).toBe(true);
    await host.recyclesSettled('web');
    await new Promise((r) => setTimeout(r, 200));
    await load.stop();
    expect(load.failures).toEqual([]);
    expect([...load.bodies]).toEqual([`good ${oldPid}`]);
    const status = await host.status();
    const recycle = status.apps[0]!.recycle!;
    expect(recycle).toMatchObject({ recycles: 0, failures: 1, state: 'idle' });
    expect(recycle.last).toMatchObject({ outcome: 'failed' });
    expect(recycle.last!.error).toContain('broken deploy');
    expect(log.entries.find((e) => e.message.startsWith('app recycle failed'))?.fields).toMatchObject({ app: 'web' });
    expect(isAlive(oldPid)).toBe(true);
  });

  it('keeps the old workers when the new version never listens within the start timeout', async () => {
    const app = makeAppDir();
    const script = app.write('server.js', labelApp('good'));
    const { host, base } = await startHost([{
      script, name: 'web', settings: { maxNamedPipeConnectionRetry: 10, namedPipeConnectionRetryDelay: 100 },
    }], { watchFiles: false });
    await waitFor(async () => (await get(`${base}/`)).status === 200, 10_000, 'first answer');
    app.write('server.js', 'setInterval(() => {}, 1000);\n');
    const started = Date.now();
    host.recycle('web');
    await host.recyclesSettled('web');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const r = await get(`${base}/`);
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/^good /);
    const recycle = (await host.status()).apps[0]!.recycle!;
    expect(recycle.last!.error).toContain('did not all listen within 1000 ms');
  });

  it('lets a request in flight on a replaced worker finish, also when the host shuts down during the drain', async () => {
    const app = makeAppDir();
    const script = app.write('server.js', `require('node:http').createServer((req, res) => {
  setTimeout(() => res.end('done ' + process.pid), req.url === '/slow' ? 800 : 0);
}).listen(process.env.PORT);
`);
    const { host, base } = await startHost([{ script, name: 'web' }], { watchFiles: false });
    await waitFor(async () => (await get(`${base}/`)).status === 200, 10_000, 'answers');
    const oldPid = host.apps[0]!.pool.slots[0]!.worker!.pid;
    const slow = get(`${base}/slow`);
    await waitFor(() => host.apps[0]!.pool.slots[0]!.worker!.active === 1, 5000, 'slow request in flight');
    host.recycle('web');
    await host.recyclesSettled('web');
    expect((await get(`${base}/`)).body).not.toBe(`done ${oldPid}`);
    const stopped = host.shutdown(5000);
    expect(await slow).toEqual({ status: 200, body: `done ${oldPid}` });
    await stopped;
    expect(isAlive(oldPid)).toBe(false);
  });
});
