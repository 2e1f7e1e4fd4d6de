const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * Escapes captured process output for a `<pre>` block: the HTML specials become entities and control bytes
 * other than tab, LF and CR become `[xHH]`, the same rendering iisnode's error page uses, so a stray escape
 * sequence in a worker's stderr cannot garble the page.
 */
export function escapeLogText(text: string): string {
  // eslint-disable-next-line no-control-regex -- control bytes are exactly what has to be replaced
  return text.replace(/[&<>"']|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, (c) => ESCAPES[c]
    ?? `[x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}]`);
}
