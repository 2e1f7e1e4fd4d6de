import { afterEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import {
  DEBUG_PAGE_CSP, DebugHeaderBuilder, debugHeaderKeys, MemorySampler, parseDebugHeader,
} from '../../../host/diagnostics/index.ts';
import { cleanup, httpGet, startHost } from '../runtime/helpers.ts';
import { fixture, rawGet, upgradeHead } from './helpers.ts';

afterEach(cleanup);

const keysOf = (value: string): string[] => parseDebugHeader(value).fields.map(([k]) => k);
const fieldsOf = (value: string): Record<string, string> => Object.fromEntries(parseDebugHeader(value).fields);

describe('iisnode-debug header', () => {
  it('is absent by default, and no diagnostics hook is installed (iisnode test 100)', async () => {
    const { host, base } = await startHost([{ script: fixture('app.cjs') }]);
    const reply = await httpGet(`${base}/`);
    expect(reply.status).toBe(200);
    expect(reply.headers['iisnode-debug']).toBeUndefined();
    const diagnostics = host.apps[0]!.diagnostics!;
    // Off costs nothing per request: the proxy gets no decorator, rewriter or renderer.
    expect(diagnostics.decorateResponseHeaders).toBeUndefined();
    expect(diagnostics.rewriteRequestHeaders).toBeUndefined();
    expect(diagnostics.renderError).toBeUndefined();
    expect(diagnostics.workerArgs).toBeUndefined();
  });

  it('carries the 16 keys in iisnode order with the serving worker and host facts (iisnode test 132)', async () => {
    const { host, base } = await startHost([{ script: fixture('app.cjs'), settings: { debugHeaderEnabled: true, nodeProcessCountPerApplication: 2 } }]);
    await httpGet(`${base}/`);
    const reply = await httpGet(`${base}/slow?ms=30`);
    const value = reply.headers['iisnode-debug'] as string;
    expect(value.startsWith('/_nodefarm/debug#')).toBe(true);
    expect(keysOf(value)).toEqual([...debugHeaderKeys]);
    const f = fieldsOf(value);
    expect(f.iisnode_ver).toBe('0.2.27');
    expect(f.node).toBe(host.apps[0]!.app.settings.nodeProcessCommandLine);
    expect(f.dns).toBe('test-server');
    expect(f.worker_pid).toBe(String(process.pid));
    expect(f.node_pid).toBe(reply.headers['x-worker-pid']);
    for (const k of ['worker_mem_ws', 'worker_mem_pagefile', 'node_mem_ws', 'node_mem_pagefile'] as const) {
      expect(Number(f[k])).toBeGreaterThan(0);
    }
    expect(Number(f.worker_mem_ws)).toBeGreaterThan(10_000); // the jest process hosting the host: tens of MB
    expect(f.app_processes).toBe('2');
    expect(f.process_active_req).toBe('1');
    expect(f.app_active_req).toBe('1');
    expect(f.worker_total_req).toBe('2');
    expect(f.np_retry).toBe('0');
    expect(Number(f.req_time)).toBeGreaterThanOrEqual(25);
    expect(f.hresult).toBe('0');
  });

  it('counts active requests over the app while requests overlap', async () => {
    const { base } = await startHost([{ script: fixture('app.cjs'), settings: { debugHeaderEnabled: true } }]);
    const slow = httpGet(`${base}/slow?ms=400`);
    await new Promise((r) => setTimeout(r, 100));
    const fast = await httpGet(`${base}/`);
    const f = fieldsOf(fast.headers['iisnode-debug'] as string);
    expect(f.process_active_req).toBe('2');
    expect(f.app_active_req).toBe('2');
    await slow;
  });

  it('counts the connect retries of a worker that is slow to listen in np_retry', async () => {
    const { base } = await startHost([{
      script: fixture('slow-listen.cjs'), env: { LISTEN_DELAY_MS: '700' },
      settings: { debugHeaderEnabled: true, namedPipeConnectionRetryDelay: 100, maxNamedPipeConnectionRetry: 50 },
    }]);
    const reply = await httpGet(`${base}/`);
    expect(reply.status).toBe(200);
    const f = fieldsOf(reply.headers['iisnode-debug'] as string);
    expect(Number(f.np_retry)).toBeGreaterThanOrEqual(3);
    expect(f.node_pid).toBe(reply.headers['x-worker-pid']);
    const again = fieldsOf((await httpGet(`${base}/`)).headers['iisnode-debug'] as string);
    expect(again.np_retry).toBe('0');
  });

  it('replaces an iisnode-debug header the app set itself', async () => {
    const { base } = await startHost([{ script: fixture('app.cjs'), settings: { debugHeaderEnabled: true } }]);
    const reply = await httpGet(`${base}/own-debug-header`);
    expect(reply.headers['iisnode-debug']).toMatch(/^\/_nodefarm\/debug#iisnode_ver=/);
  });

  it('is on a WebSocket 101 response too', async () => {
    const { base } = await startHost([{ script: fixture('app.cjs'), settings: { debugHeaderEnabled: true } }]);
    const head = await upgradeHead(base, '/ws');
    expect(head).toMatch(/^HTTP\/1\.1 101 /);
    const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith('iisnode-debug:'));
    expect(line).toBeDefined();
    expect(keysOf(line!.slice(line!.indexOf(':') + 1).trim())).toEqual([...debugHeaderKeys]);
  });

  it('is on host-generated errors, with the error code as hresult', async () => {
    const { base } = await startHost([{
      script: fixture('throw-on-start.cjs'),
      settings: { debugHeaderEnabled: true, namedPipeConnectionRetryDelay: 50, maxNamedPipeConnectionRetry: 40 },
    }], { restart: { baseDelay: 5000 } });
    const reply = await httpGet(`${base}/`);
    expect(reply.status).toBe(500);
    const f = fieldsOf(reply.headers['iisnode-debug'] as string);
    expect(keysOf(reply.headers['iisnode-debug'] as string)).toEqual([...debugHeaderKeys]);
    expect(f.hresult).not.toBe('0');
  });

  it('uses the configured page path under the app\'s path prefix', async () => {
    const { base } = await startHost([{
      script: fixture('app.cjs'), pathPrefix: '/shop', settings: { debugHeaderEnabled: true, debugHeaderPathSegment: 'diag/header' },
    }]);
    const reply = await httpGet(`${base}/shop/x`);
    expect(reply.headers['iisnode-debug']).toMatch(/^\/shop\/diag\/header#iisnode_ver=/);
    const page = await rawGet(base, '/shop/diag/header');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>iisnode-debug</title>');
  });
});

describe('iisnode-debug page', () => {
  it('is served by the host with a strict CSP and no outside URL, and only when the header is on', async () => {
    const { base } = await startHost([{ script: fixture('app.cjs'), settings: { debugHeaderEnabled: true } }]);
    const page = await rawGet(base, '/_nodefarm/debug');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(DEBUG_PAGE_CSP);
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+';/);
    expect(page.headers['x-worker-pid']).toBeUndefined(); // not the app's answer
    expect(page.body).not.toMatch(/(?:https?:)?\/\/[a-z0-9]/i);
    expect(page.body).not.toMatch(/\bsrc=|\bhref=/i);
    for (const key of debugHeaderKeys) expect(page.body).toContain(`"${key}"`);
    expect((await rawGet(base, '/_nodefarm/debug', {}, 'POST')).status).toBe(405);
  });

  it('runs exactly the script its CSP allows, and that script renders the fragment as text rows', async () => {
    const { base } = await startHost([{ script: fixture('app.cjs'), settings: { debugHeaderEnabled: true } }]);
    const page = await rawGet(base, '/_nodefarm/debug');
    const script = /<script>([\s\S]*?)<\/script>/.exec(page.body)![1]!;
    const hash = createHash('sha256').update(script).digest('base64');
    expect(page.headers['content-security-policy']).toContain(`script-src 'sha256-${hash}'`);
    const labels = /<script type="application\/json" id="labels">([\s\S]*?)<\/script>/.exec(page.body)![1]!;
    // A minimal document: just what the script touches, to run it outside a browser.
    interface El { textContent: string; className: string; hidden: boolean; children: El[]; firstChild: El | null;
      appendChild(c: El): void; removeChild(c: El): void }
    const el = (): El => {
      const e: El = {
        textContent: '', className: '', hidden: false, children: [], firstChild: null,
        appendChild(c) { e.children.push(c); e.firstChild = e.children[0] ?? null; },
        removeChild(c) { e.children = e.children.filter((x) => x !== c); e.firstChild = e.children[0] ?? null; },
      };
      return e;
    };
    const rows = el();
    const empty = el();
    const labelsEl = Object.assign(el(), { textContent: labels });
    const byId: Record<string, El> = { rows, empty, labels: labelsEl };
    const value = '/_nodefarm/debug#iisnode_ver=0.2.27&node=%3Cimg%20src%3Dx%3E&np_retry=3&custom=1';
    runInNewContext(script, {
      document: { getElementById: (id: string) => byId[id], createElement: () => el() },
      location: { hash: value.slice(value.indexOf('#')) },
      window: { addEventListener() {} },
      JSON, decodeURIComponent,
    });
    const cells = rows.children.map((tr) => tr.children.map((td) => td.textContent));
    expect(cells).toEqual([
      ['iisnode version', '0.2.27', expect.any(String), 'iisnode_ver'],
      ['Worker command line', '<img src=x>', expect.any(String), 'node'],
      ['Connect retries', '3', expect.any(String), 'np_retry'],
      ['custom', '1', '', 'custom'],
    ]);
    expect(empty.hidden).toBe(true);
  });

  it('goes to the app when the header is off', async () => {
    const { base } = await startHost([{ script: fixture('app.cjs') }]);
    const reply = await rawGet(base, '/_nodefarm/debug');
    expect(reply.body).toContain('path=/_nodefarm/debug');
  });
});

describe('DebugHeaderBuilder', () => {
  it('URL-encodes values and appends trace_id when given', () => {
    const b = new DebugHeaderBuilder({ baseUrl: '/d', version: '0.2.27', nodeCommandLine: 'node --x=a&b #c', serverName: '', hostPid: 7 });
    const value = b.build({
      hostMemory: { wsKb: 1, privateKb: 2 }, workerPid: 9, workerMemory: undefined, appProcesses: 1, processActive: 1,
      appActive: 1, totalRequests: 3, retries: 0, reqTimeMs: 1.6, hresult: 'ECONNREFUSED', traceId: '0af7651916cd43dd8448eb211c80319c',
    });
    expect(value).toBe('/d#iisnode_ver=0.2.27&node=node%20--x%3Da%26b%20%23c&worker_pid=7&node_pid=9&worker_mem_ws=1' +
      '&worker_mem_pagefile=2&node_mem_ws=0&node_mem_pagefile=0&app_processes=1&process_active_req=1&app_active_req=1' +
      '&worker_total_req=3&np_retry=0&req_time=2&hresult=ECONNREFUSED&trace_id=0af7651916cd43dd8448eb211c80319c');
    expect(fieldsOf(value).node).toBe('node --x=a&b #c');
    expect(keysOf(value)).not.toContain('dns'); // no server name: left out, as iisnode does
  });

  it('costs a few microseconds per response', () => {
    const b = new DebugHeaderBuilder({ baseUrl: '/_nodefarm/debug', version: '0.2.27', nodeCommandLine: 'node', serverName: 'web-1', hostPid: process.pid });
    const memory = new MemorySampler();
    const n = 20_000;
    const started = process.hrtime.bigint();
    let length = 0;
    for (let i = 0; i < n; i++) {
      length += b.build({
        hostMemory: memory.get(process.pid), workerPid: process.pid, workerMemory: memory.get(process.pid), appProcesses: 4,
        processActive: i % 7, appActive: i % 13, totalRequests: i, retries: 0, reqTimeMs: i % 100, hresult: 0,
      }).length;
    }
    const perCallUs = Number(process.hrtime.bigint() - started) / 1000 / n;
    expect(length).toBeGreaterThan(0);
    // Typically ~1 µs; the bound leaves room for a loaded shared machine.
    expect(perCallUs).toBeLessThan(50);
  });
});
