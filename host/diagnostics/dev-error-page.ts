import { STATUS_CODES } from '../node-http.ts';
import { lookupStatus } from '../status-codes.ts';
import { escapeHtml, escapeLogText } from './escape-html.ts';

/** Bytes of stderr shown at most, as iisnode (its last 64 KB). */
export const DEV_PAGE_STDERR_BYTES = 65536;

/** What a developer error page shows. */
export interface DevErrorFacts {
  readonly status: number;
  readonly substatus: number;
  /** System error code, if any (ECONNREFUSED, ENOENT, …). */
  readonly errno: string | undefined;
  readonly app: string;
  /** Pid of the worker the request went to; 0 or undefined when none was assigned. */
  readonly workerPid: number | undefined;
  /** Why the worker or the app is down (exit reason, spawn error, crash loop), when known. */
  readonly workerState: string | undefined;
  /** The worker's last stderr output; undefined when it is not captured, null when no worker is involved. */
  readonly stderr: string | undefined | null;
  readonly retries: number;
}

/** Nothing from this page is loaded or run: only inline styles. */
export const DEV_PAGE_CSP = 'default-src \'none\'; style-src \'unsafe-inline\'; base-uri \'none\'; form-action \'none\'; frame-ancestors \'none\'';

/** The HTML page for a host-generated 5xx when devErrorsEnabled is on. Everything variable is escaped. */
export function renderDevErrorPage(f: DevErrorFacts): string {
  const code = lookupStatus(f.status, f.substatus);
  const reason = code?.name ?? STATUS_CODES[f.status] ?? 'error';
  const rows: [string, string][] = [
    ['HTTP status', String(f.status)],
    ['HTTP substatus', String(f.substatus)],
    ['Reason', reason],
    ['Error code', f.errno ?? '0'],
    ['App', f.app],
    ['Worker PID', f.workerPid ? String(f.workerPid) : 'none assigned'],
    ['Connect retries', String(f.retries)],
  ];
  if (f.workerState) rows.push(['Worker state', f.workerState]);
  let stderr: string;
  if (f.stderr === null) {
    stderr = '<p>No worker output belongs to this error.</p>';
  } else if (f.stderr === undefined) {
    stderr = '<p>The worker\'s stderr is not captured by this host, so it cannot be shown here. Run the host ' +
      'with worker output captured (loggingEnabled) or read the host\'s own output.</p>';
  } else if (f.stderr === '') {
    stderr = '<p>The worker wrote nothing to stderr.</p>';
  } else {
    const text = tailBytes(f.stderr, DEV_PAGE_STDERR_BYTES);
    stderr = '<p>What the worker wrote last to stderr (at most 64 KB):</p>\n' +
      `<pre class="stderr">${escapeLogText(text)}</pre>`;
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<title>${f.status}.${f.substatus} ${escapeHtml(reason)}</title>
<style>
body { font-family: sans-serif; margin: 1.5em; color: #222; }
th, td { text-align: left; padding: 0.2em 0.8em; vertical-align: top; }
pre { background: #f6f6f6; padding: 0.8em; overflow: auto; white-space: pre-wrap; }
pre.stderr { color: #8b0000; }
</style>
</head>
<body>
<h1>${f.status}.${f.substatus} ${escapeHtml(reason)}</h1>
<p>The nodefarm host could not complete this request and answered it itself.</p>
<table>
${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n')}
</table>
${code ? `<h2>What it means</h2>\n<p>${escapeHtml(code.condition)}</p>\n<h2>What to do</h2>\n<p>${escapeHtml(code.fix)}</p>` : ''}
<h2>Worker stderr</h2>
${stderr}
<p><small>This page is shown because devErrorsEnabled is on. Turn it off in production: it shows the
worker's output to anyone who triggers an error.</small></p>
</body>
</html>
`;
}

/** The end of `text` that fits in `max` UTF-8 bytes. */
function tailBytes(text: string, max: number): string {
  if (text.length * 3 <= max) return text;
  const bytes = Buffer.from(text);
  return bytes.length <= max ? text : bytes.subarray(bytes.length - max).toString('utf8');
}
