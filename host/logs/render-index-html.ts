import type { LogFileInfo } from './log-file-name.ts';
import { compareText } from '../compare-text.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * The log folder's `index.html`: one row per log file, newest first, stderr rows marked. Links are
 * relative, so the page works wherever the folder is served from (or opened from disk). Static HTML with
 * no script: the page is rewritten whenever the set of files changes.
 */
export function renderIndexHtml(files: readonly LogFileInfo[], updated: Date): string {
  const rows = [...files]
    .sort((a, b) => b.created - a.created || compareText(b.file, a.file))
    .map((f) => {
      const cls = f.type === 'stderr' ? ' class="stderr"' : '';
      return `<tr${cls}><td>${escapeHtml(f.server)}</td><td>${f.pid}</td><td>${f.type}</td>`
        + `<td>${new Date(f.created).toISOString()}</td>`
        + `<td><a href="${escapeHtml(encodeURIComponent(f.file))}">${escapeHtml(f.file)}</a></td></tr>`;
    });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Worker logs</title>
<style>
body { font-family: sans-serif; margin: 1.5em; }
table { border-collapse: collapse; }
th, td { text-align: left; padding: 0.2em 0.8em; border-bottom: 1px solid #ddd; }
tr.stderr td { color: #b00020; }
</style>
</head>
<body>
<h1>Worker logs</h1>
<p>Updated ${updated.toISOString()}. ${files.length} file${files.length === 1 ? '' : 's'}, newest first.</p>
<table>
<thead><tr><th>Server</th><th>PID</th><th>Stream</th><th>Created</th><th>File</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</body>
</html>
`;
}
