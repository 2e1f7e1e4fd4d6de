import type { IncomingHttpHeaders } from 'node:http';
import { hasInvalidValueChar, isHeaderName } from '../http-syntax.ts';

/** A request head the front server's lean path can carry: bodyless HTTP/1.1 with unique header names. */
export interface SimpleRequestHead {
  readonly method: string;
  readonly url: string;
  readonly rawHeaders: string[];
  readonly headers: IncomingHttpHeaders;
  /** The client did not ask to close the connection after this response. */
  readonly keepAlive: boolean;
}

// Methods whose requests almost never carry a body; the others always go through node's parser.
const methods = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);
// Origin-form targets only, visible ASCII: absolute-form, `*` and anything unusual take the general path.
const targetRe = /^\/[\x21-\x7e]*$/;
const maxHeaders = 100;

/**
 * Parses a request head (the latin1 text before the blank line) when it is of the plain kind most traffic is:
 * GET/HEAD/DELETE/OPTIONS, HTTP/1.1, a Host header, no body (no Transfer-Encoding, Content-Length absent or 0), no
 * Upgrade or Expect, no repeated header names, at most 100 headers. Anything else returns null and the
 * connection is handed to node's HTTP server, which applies its full parser and its error answers (400, 431, …):
 * the lean path never has to decide what a strange request means.
 */
export function parseSimpleRequestHead(text: string): SimpleRequestHead | null {
  const lineEnd = text.indexOf('\r\n');
  // A bare CR or LF can only hide in a name or value, and the checks below refuse it there.
  if (lineEnd < 0) return null;
  const sp1 = text.indexOf(' ');
  const sp2 = text.indexOf(' ', sp1 + 1);
  if (sp1 <= 0 || sp2 < 0 || sp2 > lineEnd || lineEnd - sp2 !== 9 || text.slice(sp2 + 1, lineEnd) !== 'HTTP/1.1') return null;
  const method = text.slice(0, sp1);
  const url = text.slice(sp1 + 1, sp2);
  if (!methods.has(method) || !targetRe.test(url)) return null;
  const rawHeaders: string[] = [];
  // A plain object, not a null-prototype one (which V8 keeps in slow dictionary mode): an inherited name such
  // as `constructor` or `__proto__` reads as already present below, so such a request takes the general path.
  const headers: Record<string, string> = {};
  let keepAlive = true;
  const len = text.length;
  for (let pos = lineEnd + 2; pos < len;) {
    let end = text.indexOf('\r\n', pos);
    if (end < 0) end = len;
    const colon = text.indexOf(':', pos);
    if (colon <= pos || colon >= end) return null;
    const name = text.slice(pos, colon);
    let from = colon + 1;
    let to = end;
    while (from < to && (text.charCodeAt(from) === 32 || text.charCodeAt(from) === 9)) from++;
    while (to > from && (text.charCodeAt(to - 1) === 32 || text.charCodeAt(to - 1) === 9)) to--;
    const value = text.slice(from, to);
    pos = end + 2;
    if (!isHeaderName(name) || hasInvalidValueChar(value)) return null;
    const lower = name.toLowerCase();
    if (headers[lower] !== undefined || rawHeaders.length >= maxHeaders * 2) return null;
    switch (lower) {
      case 'content-length':
        if (value !== '0') return null;
        break;
      case 'transfer-encoding':
      case 'upgrade':
      case 'expect':
      case 'http2-settings':
        return null;
      case 'connection':
        for (const token of value.toLowerCase().split(',')) {
          const t = token.trim();
          if (t === 'close') keepAlive = false;
          else if (t === 'upgrade') return null;
        }
        break;
    }
    rawHeaders.push(name, value);
    headers[lower] = value;
  }
  if (headers.host === undefined) return null;
  return { method, url, rawHeaders, headers: headers as IncomingHttpHeaders, keepAlive };
}
