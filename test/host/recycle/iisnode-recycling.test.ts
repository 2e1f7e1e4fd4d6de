// iisnode's functional tests on recycling (106, 117, 121, 125, 143), run against real workers and real files.
import { afterEach, describe, expect, it } from '@jest/globals';
import { loadFarmConfig, parseServeArgs } from '../../../host/config/index.ts';
import { createHost, type Host } from '../../../host/index.ts';
import { isRecycleMessage } from '../../../host/recycle/index.ts';
import { cleanup as cleanupHosts, startHost, waitFor } from '../runtime/helpers.ts';
import { get, labelApp, makeAppDir, memoryLogger, onCleanup, runCleanups, startLoad, type AppDir } from './helpers.ts';

afterEach(async () => {
  await cleanupHosts();
  await runCleanups();
});

/** A host built by the real config loader from `serve <script>` arguments, so iisnode.yml is read and reloaded. */
async function serveWithLoader(app: AppDir, script: string, log = memoryLogger()): Promise<{ host: Host; base: string; log: typeof log }> {
  const socketDir = makeAppDir().dir;
  const args = parseServeArgs([script, '--port', '0', '--nodeProcessCommandLine', process.execPath, '--socket-dir', socketDir]);
  const load = () => loadFarmConfig(args, { env: {}, cwd: app.dir });
  const host = createHost({ config: load(), reloadConfig: load, log, workerOutput: 'ignore' });
  onCleanup(() => host.shutdown(2000));
  await host.start();
  return { host, base: `http://127.0.0.1:${host.address()!.port}`, log };
}

describe('Recycling on watched files', () => {
  it('serves the new code a moment after hello.js is replaced, without failing a request (iisnode test 106)', async () => {
    const app = makeAppDir();
    const script = app.write('hello.js', labelApp('v1'));
    const { base } = await startHost([{ script, name: 'hello', settings: { nodeProcessCountPerApplication: 2 } }]);
    await waitFor(async () => (await get(`${base}/`)).status === 200, 10_000, 'v1 answers');
    const load = startLoad(`${base}/`, 4);
    const changedAt = Date.now();
    app.write('hello.js', labelApp('v2'));
    await waitFor(async () => (await get(`${base}/`)).body.startsWith('v2 '), 5000, 'v2 answers');
    const took = Date.now() - changedAt;
    await new Promise((r) => setTimeout(r, 200));
    await load.stop();
    expect(took).toBeLessThan(5000);
    expect(load.failures).toEqual([]);
    const labels = new Set([...load.bodies].map((b) => b.split(' ')[0]));
    expect(labels).toEqual(new Set(['v1', 'v2']));
  });

  it('recycles on a change of node_modules/part.js with watchedFiles "*.js;node_modules\\*.js" (iisnode test 117)', async () => {
    const app = makeAppDir();
    app.write('node_modules/part.js', "module.exports = 'part-1';\n");
    const script = app.write('hello.js', `const part = require('./node_modules/part.js');
require('node:http').createServer((req, res) => res.end(part + ' ' + process.pid)).listen(process.env.PORT);
`);
    const { base } = await startHost([{ script, name: 'hello', settings: { watchedFiles: '*.js;node_modules\\*.js' } }]);
    await waitFor(async () => (await get(`${base}/`)).body.startsWith('part-1 '), 10_000, 'part-1');
    app.write('node_modules/part.js', "module.exports = 'part-2';\n");
    await waitFor(async () => (await get(`${base}/`)).body.startsWith('part-2 '), 5000, 'part-2 after the change');
  });

  it('runs the app when a watchedFiles entry names a folder that does not exist (iisnode test 121)', async () => {
    const app = makeAppDir();
    const script = app.write('hello.js', labelApp('v1'));
    const { host, base } = await startHost([{ script, name: 'hello', settings: { watchedFiles: 'idontexist\\*;*.js' } }]);
    await waitFor(async () => (await get(`${base}/`)).status === 200, 10_000, 'answers');
    app.write('hello.js', labelApp('v2'));
    await waitFor(async () => (await get(`${base}/`)).body.startsWith('v2 '), 5000, 'the other entry still recycles');
    expect((await host.status()).apps[0]!.recycle).toMatchObject({ recycles: 1, failures: 0 });
  });

  it('applies a rewritten iisnode.yml (2 → 4 processes) with a recycle; counters restart (iisnode test 125)', async () => {
    const app = makeAppDir();
    app.write('iisnode.yml', 'nodeProcessCountPerApplication: 2\ndispatchPolicy: round-robin\n');
    const script = app.write('hello.js', `let n = 0;
require('node:http').createServer((req, res) => res.end(String(++n) + ' ' + process.pid)).listen(process.env.PORT);
`);
    const { host, base, log } = await serveWithLoader(app, script);
    const pidsOf = async (count: number): Promise<Set<string>> => {
      const bodies: string[] = [];
      for (let i = 0; i < count; i++) bodies.push((await get(`${base}/`)).body);
      return new Set(bodies.map((b) => b.split(' ')[1]!));
    };
    await waitFor(async () => (await get(`${base}/`)).status === 200, 10_000, 'answers');
    expect((await pidsOf(4)).size).toBe(2);
    app.write('iisnode.yml', 'nodeProcessCountPerApplication: 4\ndispatchPolicy: round-robin\n');
    await waitFor(async () => (await host.status()).apps[0]!.recycle!.recycles === 1, 8000, 'recycled');
    const status = await host.status();
    expect(status.apps[0]!.workers).toHaveLength(4);
    const first = await Promise.all([1, 2, 3, 4].map(() => get(`${base}/`)));
    expect(first.map((r) => r.body.split(' ')[0])).toEqual(['1', '1', '1', '1']);
    expect(new Set(first.map((r) => r.body.split(' ')[1])).size).toBe(4);
    expect(log.entries.some((e) => e.level === 'error')).toBe(false);

    // A broken iisnode.yml is reported with its file and line; the running config stays.
    app.write('iisnode.yml', 'nodeProcessCountPerApplication: 4\nloggingEnabled: foobar\n');
    await waitFor(() => log.entries.find((e) => e.message.startsWith('configuration reload failed')), 8000, 'reload error');
    const error = log.entries.find((e) => e.message.startsWith('configuration reload failed'))!;
    expect(error.fields).toMatchObject({ code: 'CONFIG_INVALID', file: app.path('iisnode.yml'), line: 2 });
    await host.recyclesSettled();
    expect((await host.status()).apps[0]!.workers).toHaveLength(4);
    expect((await get(`${base}/`)).status).toBe(200);
  });
});

/** Answers its pid; `/recycle` writes `recycle` to the control socket 100 ms after answering, `/noise` writes junk. */
const signallingApp = `const http = require('node:http');
const net = require('node:net');
function send(text) {
  const c = net.connect(process.env.IISNODE_CONTROL_PIPE, () => c.end(text));
  c.on('error', () => {});
}
http.createServer((req, res) => {
  res.writeHead(200, { 'x-worker-pid': String(process.pid) });
  res.end(String(process.pid));
  if (req.url === '/recycle') setTimeout(() => send('recycle'), 100);
  if (req.url === '/recycle-line') setTimeout(() => send('RECYCLE\\n'), 100);
  if (req.url === '/noise') send('hello there');
}).listen(process.env.PORT);
`;

describe('Recycle signal (IISNODE_CONTROL_PIPE)', () => {
  it('recycles the app when a worker writes "recycle" after answering; a later request has another pid (iisnode test 143)', async () => {
    const app = makeAppDir();
    const script = app.write('hello.js', signallingApp);
    const log = memoryLogger();
    const { host, base } = await startHost([{ script, name: 'sig', settings: { recycleSignalEnabled: true } }], { log, watchFiles: false });
    await waitFor(async () => (await get(`${base}/`)).status === 200, 10_000, 'answers');
    const first = (await get(`${base}/recycle`)).body;
    await waitFor(async () => (await get(`${base}/`)).body !== first, 5000, 'another pid');
    await host.recyclesSettled();

    // Junk is ignored; the socket keeps serving later connections (iisnode served only the first).
    const second = (await get(`${base}/noise`)).body;
    await new Promise((r) => setTimeout(r, 300));
    expect((await get(`${base}/`)).body).toBe(second);
    expect(log.entries.some((e) => e.message === 'control message ignored' && e.level === 'debug')).toBe(true);
    await get(`${base}/recycle-line`);
    await waitFor(async () => (await get(`${base}/`)).body !== second, 5000, 'a third pid');
    await host.recyclesSettled();
    expect((await host.status()).apps[0]!.recycle).toMatchObject({ recycles: 2, failures: 0 });
  });

  it('does not give workers a control socket when recycleSignalEnabled is off', async () => {
    const app = makeAppDir();
    const script = app.write('env.js', `require('node:http').createServer((q, s) => s.end(String(process.env.IISNODE_CONTROL_PIPE))).listen(process.env.PORT);`);
    const { base } = await startHost([{ script, name: 'env' }], { watchFiles: false });
    await waitFor(async () => (await get(`${base}/`)).body === 'undefined', 10_000, 'no control pipe');
  });

  it('recognises "recycle" in any case with an optional line ending or NULs, and nothing else', () => {
    for (const ok of ['recycle', 'RECYCLE', 'Recycle\n', 'recycle\r\n', 'recycle\0', 'recycle\n\0\0']) {
      expect(isRecycleMessage(Buffer.from(ok, 'latin1'))).toBe(true);
    }
    for (const no of ['', 'recycl', 'recycle now', ' recycle', 'recycle\n\n', 'recycle'.padEnd(65, '\0')]) {
      expect(isRecycleMessage(Buffer.from(no, 'latin1'))).toBe(false);
    }
  });
});
