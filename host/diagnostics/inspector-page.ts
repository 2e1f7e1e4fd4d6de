import type { IncomingMessage, ServerResponse } from 'node:http';
import { get } from '../node-http.ts';
import { escapeHtml } from './escape-html.ts';
import { DEV_PAGE_CSP } from './dev-error-page.ts';

/** One debuggee as the inspector's `/json/list` describes it. */
export interface InspectorTarget {
  readonly id: string;
  readonly title: string;
  readonly url: string;
  readonly webSocketDebuggerUrl: string;
  readonly devtoolsFrontendUrl: string;
}

/** What the debugger page reports for an app. */
export interface InspectorInfo {
  readonly app: string;
  readonly workerPid: number | undefined;
  readonly port: number | undefined;
  readonly targets: readonly InspectorTarget[];
  /** Why no target could be listed (no worker, inspector not answering). */
  readonly problem: string | undefined;
}

/** Asks the worker's inspector for its debug targets (`GET /json/list` on loopback); never rejects. */
export function fetchInspectorTargets(port: number, timeoutMs = 2000): Promise<InspectorTarget[] | string> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/json/list', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
        if (body.length > 1_000_000) res.destroy();
      });
      res.on('end', () => {
        try {
          const list = JSON.parse(body) as unknown;
          resolve(Array.isArray(list) ? list.filter(isTarget) : 'the inspector answered something else than a list');
        } catch {
          resolve('the inspector answered something else than JSON');
        }
      });
      res.on('error', () => resolve('the inspector connection failed'));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => resolve(`the inspector on port ${port} does not answer (${err.code ?? err.message})`));
  });
}

function isTarget(v: unknown): v is InspectorTarget {
  const t = v as Partial<InspectorTarget> | null;
  return typeof t === 'object' && t !== null && typeof t.webSocketDebuggerUrl === 'string' && typeof t.id === 'string';
}

/** Answers the debugger URL: JSON for `?json` or `Accept: application/json`, else an HTML page. */
export function sendInspectorPage(req: IncomingMessage, res: ServerResponse, info: InspectorInfo): void {
  if (res.headersSent || res.destroyed) return;
  const url = req.url ?? '';
  const json = /[?&]json(?:[=&]|$)/.test(url) || (req.headers.accept ?? '').includes('application/json');
  const body = json ? `${JSON.stringify(info, null, 2)}\n` : renderInspectorPage(info);
  res.writeHead(info.port === undefined || info.problem ? 503 : 200, {
    'Content-Type': json ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Content-Security-Policy': DEV_PAGE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The HTML page: the port, the websocket URLs, and how to attach Chrome DevTools or `node inspect`. */
export function renderInspectorPage(info: InspectorInfo): string {
  const e = escapeHtml;
  const port = info.port === undefined ? '' : String(info.port);
  const p = e(port || '<port>');
  const targets = info.targets.map((t) => `<tr><td>${e(t.title)}</td><td><code>${e(t.webSocketDebuggerUrl)}</code></td>` +
    `<td><code>${e(t.devtoolsFrontendUrl)}</code></td></tr>`).join('\n');
  const ws = info.targets[0]?.webSocketDebuggerUrl;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<title>Debug ${e(info.app)}</title>
<style>
body { font-family: sans-serif; margin: 1.5em; color: #222; }
th, td { text-align: left; padding: 0.2em 0.8em; vertical-align: top; }
code, pre { background: #f6f6f6; }
pre { padding: 0.6em; }
</style>
</head>
<body>
<h1>Debug ${e(info.app)}</h1>
<p>App <b>${e(info.app)}</b>, worker PID <b>${info.workerPid ?? 'none'}</b>, inspector on
<b>127.0.0.1:${port ? p : '—'}</b>. The inspector listens on the loopback interface only.</p>
${info.problem ? `<p><b>Not available:</b> ${e(info.problem)}</p>` : ''}
<table>
<thead><tr><th>Target</th><th>WebSocket URL</th><th>DevTools URL</th></tr></thead>
<tbody>
${targets}
</tbody>
</table>
<h2>Attach</h2>
<ol>
<li>From another machine, forward the port first: <code>ssh -L ${p}:127.0.0.1:${p} &lt;this server&gt;</code>.</li>
<li>Chrome or Edge: open <code>chrome://inspect</code>, <i>Configure…</i>, add <code>127.0.0.1:${p}</code>,
then <i>inspect</i> the target.</li>
<li>Terminal: <code>node inspect ${e(ws ?? `127.0.0.1:${port || '<port>'}`)}</code></li>
<li>VS Code: an <i>attach</i> launch configuration with <code>"port": ${p}</code>.</li>
</ol>
<p><small>Debugging is on (debuggingEnabled): the app runs one worker. Do not leave it on in production.</small></p>
</body>
</html>
`;
}
