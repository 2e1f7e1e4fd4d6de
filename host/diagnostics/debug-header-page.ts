import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendText } from './send-text.ts';

/** Label and meaning of each key, shown by the page (also the source of the docs table's wording). */
export const debugHeaderLabels: Readonly<Record<string, readonly [string, string]>> = Object.freeze({
  iisnode_ver: ['iisnode version', 'The iisnode release whose behaviour this host follows.'],
  node: ['Worker command line', 'The nodeProcessCommandLine setting as configured.'],
  dns: ['Server name', 'The host\'s server name; tells servers of a farm apart.'],
  worker_pid: ['Host PID', 'The nodefarm host process. A change means the host itself restarted.'],
  node_pid: ['Worker PID', 'The worker that served the request. Changes between requests mean recycles or crashes.'],
  worker_mem_ws: ['Host resident memory (KB)', 'Resident set of the host process.'],
  worker_mem_pagefile: ['Host private memory (KB)', 'Private memory of the host, resident plus swapped.'],
  node_mem_ws: ['Worker resident memory (KB)', 'Resident set of the worker; steady growth suggests a leak.'],
  node_mem_pagefile: ['Worker private memory (KB)', 'Private memory of the worker, resident plus swapped.'],
  app_processes: ['Configured workers', 'Workers the app is configured to run (1 in debug mode).'],
  process_active_req: ['Active requests in this worker', 'Requests in flight on that worker, this one included.'],
  app_active_req: ['Active requests in the app', 'Requests in flight over all the app\'s workers.'],
  worker_total_req: ['Total requests', 'Requests the host has taken since it started, over all apps.'],
  np_retry: ['Connect retries', 'Times the host retried connecting to the worker. Above 0 the worker was ' +
    'starting or overloaded; equal to maxNamedPipeConnectionRetry, it starts too slowly.'],
  req_time: ['Processing time (ms)', 'From sending the request to the worker to its response head (time to first byte).'],
  hresult: ['Error', '0 when the worker answered; the system error code of a host-generated answer.'],
  trace_id: ['Trace id', 'The request\'s trace, to look up in the telemetry store.'],
});

// The script turns the fragment into table rows with textContent only, so nothing from the URL is ever
// parsed as HTML. It runs again when the fragment changes (pasting another header value).
const SCRIPT = `(function () {
  var labels = JSON.parse(document.getElementById('labels').textContent);
  function render() {
    var body = document.getElementById('rows');
    while (body.firstChild) body.removeChild(body.firstChild);
    var pairs = location.hash.replace(/^#/, '').split('&').filter(Boolean);
    document.getElementById('empty').hidden = pairs.length > 0;
    pairs.forEach(function (pair) {
      var eq = pair.indexOf('=');
      var key = eq < 0 ? pair : pair.slice(0, eq);
      var raw = eq < 0 ? '' : pair.slice(eq + 1);
      var value;
      try { value = decodeURIComponent(raw); } catch (e) { value = raw; }
      var info = labels[key] || [key, ''];
      var tr = document.createElement('tr');
      [info[0], value, info[1], key].forEach(function (text, i) {
        var td = document.createElement('td');
        td.textContent = text;
        if (i === 3) td.className = 'key';
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }
  window.addEventListener('hashchange', render);
  render();
})();`;

const LABELS_JSON = JSON.stringify(debugHeaderLabels).replace(/</g, '\\u003c');
const SCRIPT_HASH = createHash('sha256').update(SCRIPT).digest('base64');

/**
 * Only the inline script above may run, nothing may be loaded from anywhere, and the page cannot be framed:
 * the fragment it shows never leaves the browser.
 */
export const DEBUG_PAGE_CSP = `default-src 'none'; script-src 'sha256-${SCRIPT_HASH}'; style-src 'unsafe-inline'; ` +
  'base-uri \'none\'; form-action \'none\'; frame-ancestors \'none\'';

const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<title>iisnode-debug</title>
<style>
body { font-family: sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; }
th, td { text-align: left; padding: 0.25em 0.8em; border-bottom: 1px solid #ddd; vertical-align: top; }
td:nth-child(2) { font-family: monospace; font-weight: bold; word-break: break-all; }
td.key { font-family: monospace; color: #777; }
</style>
</head>
<body>
<h1>iisnode-debug</h1>
<p>The diagnostics a nodefarm host attached to one response. Paste the <code>iisnode-debug</code> header value
after this page's address to read it here; nothing is sent anywhere.</p>
<p id="empty">This address has no fragment: add the part of the header after <code>#</code>.</p>
<noscript><p>Scripts are disabled: read the fragment of the address directly.</p></noscript>
<table>
<thead><tr><th>What</th><th>Value</th><th>Meaning</th><th>Key</th></tr></thead>
<tbody id="rows"></tbody>
</table>
<script type="application/json" id="labels">${LABELS_JSON}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
const PAGE_BYTES = Buffer.from(PAGE);

/** Serves the page (GET and HEAD; anything else is 405). */
export function serveDebugHeaderPage(req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, '405 Method Not Allowed\n', { Allow: 'GET, HEAD' });
    return;
  }
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': String(PAGE_BYTES.length),
    'Content-Security-Policy': DEBUG_PAGE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : PAGE_BYTES);
}
