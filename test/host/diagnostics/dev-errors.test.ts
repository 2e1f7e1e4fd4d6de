import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_PAGE_CSP, escapeLogText, renderDevErrorPage } from '../../../host/diagnostics/index.ts';
import { cleanup, fastRetries, httpGet, startHost, waitFor } from '../runtime/helpers.ts';
import { fixture } from './helpers.ts';

/** Captured logs go to a temp folder, not beside the fixtures. */
const tempLogDir = (): string => mkdtempSync(join(tmpdir(), 'nodefarm-diag-logs-'));

afterEach(cleanup);

const missingNode = { ...fastRetries, nodeProcessCommandLine: 'nodefarm-no-such-node --flag' };

describe('Developer error pages', () => {
  it('answers a missing nodeProcessCommandLine with an HTML 5xx page when on (iisnode test 112)', async () => {
    const { host, base } = await startHost([{ script: fixture('app.cjs'), settings: { ...missingNode, devErrorsEnabled: true } }],
      { restart: { baseDelay: 20, maxFastCrashes: 2 } });
    const first = await httpGet(`${base}/`); // before or after the app is marked errored: both are host 5xx
    expect(first.status).toBeGreaterThanOrEqual(500);
    expect(first.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(first.body).toContain('nodefarm-no-such-node');
    await waitFor(() => host.apps[0]!.pool.state === 'errored', 10_000, 'app errored');
    const reply = await httpGet(`${base}/`);
    expect(reply.status).toBe(503);
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(reply.headers['content-security-policy']).toBe(DEV_PAGE_CSP);
    expect(reply.headers['cache-control']).toBe('no-cache');
    expect(reply.body).toContain('<h1>503.1002 worker not available</h1>');
    expect(reply.body).toContain('could not start nodefarm-no-such-node: ENOENT');
    expect(reply.body).toContain('<h2>What to do</h2>');
  });

  it('answers the same failure with the plain short body when off (iisnode test 112)', async () => {
    const { host, base } = await startHost([{ script: fixture('app.cjs'), settings: missingNode }],
      { restart: { baseDelay: 20, maxFastCrashes: 2 } });
    await waitFor(() => host.apps[0]!.pool.state === 'errored', 10_000, 'app errored');
    const reply = await httpGet(`${base}/`);
    expect(reply.status).toBe(503);
    expect(reply.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(reply.body).toBe('503.1002 worker not available\n');
  });

  it('shows the stack of an app that throws at start, HTML-escaped, keeping the 500 (iisnode test 120)', async () => {
    const { base } = await startHost([{ script: fixture('throw-on-start.cjs'), settings: { ...fastRetries, devErrorsEnabled: true, logDirectory: tempLogDir() } }],
      { workerOutput: 'capture', restart: { baseDelay: 5000 } });
    const reply = await waitFor(async () => {
      const r = await httpGet(`${base}/`);
      return r.body.includes('loadSettings') ? r : undefined;
    }, 10_000, 'page with the stack');
    expect(reply.status).toBe(500);
    expect(reply.body).toMatch(/<h1>500\.100[12] /);
    expect(reply.body).toContain('Error: settings file is missing &lt;settings.json&gt;');
    expect(reply.body).toContain('at loadSettings');
    expect(reply.body).toContain('starting &lt;b&gt;app&lt;/b&gt; &amp; &quot;friends&quot;[x07]');
    expect(reply.body).not.toContain('<b>app</b>');
    expect(reply.body).toContain('<th>Worker PID</th>');
  });

  it('shows the stack from the worker\'s own stderr tail when output is only piped', async () => {
    const { base } = await startHost([{ script: fixture('throw-on-start.cjs'), settings: { ...fastRetries, devErrorsEnabled: true } }],
      { workerOutput: 'pipe', onWorkerOutput: () => {}, restart: { baseDelay: 5000 } });
    const reply = await waitFor(async () => {
      const r = await httpGet(`${base}/`);
      return r.body.includes('settings file is missing') ? r : undefined;
    }, 10_000, 'page with the error');
    expect(reply.status).toBe(500);
  });

  it('never shows stderr when off', async () => {
    const { base } = await startHost([{ script: fixture('throw-on-start.cjs'), settings: { ...fastRetries, logDirectory: tempLogDir() } }],
      { workerOutput: 'capture', restart: { baseDelay: 5000 } });
    const reply = await httpGet(`${base}/`);
    expect(reply.status).toBe(500);
    expect(reply.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(reply.body).toMatch(/^500\.100[12] [a-z ]+\n$/);
    expect(reply.body).not.toContain('settings');
  });
});

describe('Developer error page rendering', () => {
  it('escapes HTML specials and control bytes the way iisnode does', () => {
    expect(escapeLogText('<a href="x">&\'\x00\x1b[31m\ttab\r\n')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;[x00][x1B][31m\ttab\r\n');
  });

  it('keeps only the last 64 KB of stderr', () => {
    const stderr = `${'a'.repeat(70_000)}THE-END`;
    const page = renderDevErrorPage({
      status: 500, substatus: 1011, errno: 'ECONNRESET', app: 'x', workerPid: 1, workerState: undefined, stderr, retries: 0,
    });
    expect(page).toContain('THE-END');
    const pre = /<pre class="stderr">([^<]*)<\/pre>/.exec(page)![1]!;
    expect(Buffer.byteLength(pre)).toBe(65_536);
    expect(page).toContain('<td>ECONNRESET</td>');
    expect(page).toContain('worker closed before responding');
  });
});
