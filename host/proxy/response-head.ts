/** How the body of a worker response is delimited. */
export type ResponseFraming = 'none' | 'length' | 'chunked' | 'close' | 'upgrade';

/** A parsed worker response head, with connection-level headers already removed. */
export interface ResponseHead {
  status: number;
  /** iisnode substatus from a `HTTP/1.1 <code>.<substatus> <reason>` status line; 0 when absent. */
  substatus: number;
  reason: string;
  /** End-to-end headers as a flat [name, value, …] list, repeated names kept, in arrival order. */
  headers: string[];
  framing: ResponseFraming;
  contentLength: number;
  /** The connection may carry another request after this response. */
  reusable: boolean;
  /** Keep-alive timeout the worker announced, minus a safety margin, ms; Infinity when none. */
  keepAliveMs: number;
}

/** Substatus for a malformed head: 1013 status line, 1014 headers. */
export type HeadError = 1013 | 1014;

// `HTTP/1.x <3 digits>[.<substatus>][ <reason>]`; the reason may be empty but holds no control characters.
const statusLineRe = /^HTTP\/1\.([01]) (\d{3})(?:\.(\d{1,9}))?(?: ([\t\x20-\x7e\x80-\xff]*))?$/;
const digitsRe = /^\d{1,15}$/;
const bareCrOrLfRe = /\r(?!\n)|(?<!\r)\n/;
const keepAliveTimeoutRe = /timeout\s*=\s*(\d+)/i;
// Node's servers announce the keep-alive timeout they enforce; leave a margin so the host never picks a
// connection the worker is about to close.
const keepAliveMarginMs = 1000;

/**
 * Parses a response head (status line and header lines, without the final CRLF CRLF) as the latin1 string the
 * bytes decode to. Returns the head, or the substatus describing what is wrong with it.
 */
export function parseResponseHead(text: string, isHeadRequest: boolean): ResponseHead | HeadError {
  const firstEnd = text.indexOf('\r\n');
  const m = statusLineRe.exec(firstEnd < 0 ? text : text.slice(0, firstEnd));
  if (!m) return 1013;
  const status = Number(m[2]);
  const head: ResponseHead = {
    status, substatus: m[3] ? Number(m[3]) : 0, reason: m[4] ?? '', headers: [], framing: 'none',
    contentLength: -1, reusable: true, keepAliveMs: Infinity,
  };
  let te: string | undefined;
  let connection: string | undefined;
  const headers = head.headers;
  if (firstEnd >= 0) {
    // Lines are walked in place (no split): this runs once per response on the host's hot path. A bare CR or LF
    // can only be in the header lines (the status line pattern excludes both), so one scan covers them all.
    if (bareCrOrLfRe.test(text)) return 1014;
    const len = text.length;
    for (let pos = firstEnd + 2; pos < len;) {
      let end = text.indexOf('\r\n', pos);
      if (end < 0) end = len;
      const colon = text.indexOf(':', pos);
      // No name, whitespace before the colon, or obsolete line folding.
      if (colon <= pos || colon >= end || text.charCodeAt(colon - 1) <= 32 || text.charCodeAt(pos) <= 32) return 1014;
      const name = text.slice(pos, colon);
      const value = text.slice(colon + 1, end).trim();
      pos = end + 2;
      switch (name.length === 10 || name.length === 14 || name.length === 17 ? name.toLowerCase() : '') {
        case 'content-length':
          if (!digitsRe.test(value)) return 1014;
          if (head.contentLength >= 0) {
            if (Number(value) !== head.contentLength) return 1014;
            continue;
          }
          head.contentLength = Number(value);
          break;
        case 'transfer-encoding':
          te = te === undefined ? value : `${te}, ${value}`;
          continue;
        case 'connection':
          connection = connection === undefined ? value : `${connection}, ${value}`;
          if (status === 101) break;
          continue;
        case 'keep-alive': {
          const ms = keepAliveMsOf(value);
          if (ms !== Infinity) head.keepAliveMs = ms;
          continue;
        }
      }
      headers.push(name, value);
    }
  }
  if (connection !== undefined) applyConnectionHeader(head, connection);
  // An HTTP/1.0 answer closes the connection unless it says otherwise.
  if (m[1] === '0' && !(connection !== undefined && /(^|,)\s*keep-alive\s*(,|$)/i.test(connection))) head.reusable = false;

  if (status === 101) head.framing = 'upgrade';
  else if (isHeadRequest || status === 204 || status === 304 || status < 200) head.framing = 'none';
  else if (te !== undefined) {
    const codings = te.toLowerCase().split(',');
    head.framing = codings[codings.length - 1]!.trim() === 'chunked' ? 'chunked' : 'close';
    // Content-Length next to Transfer-Encoding is ignored (RFC 9112 6.3), and the connection is not reused.
    if (head.contentLength >= 0) {
      head.reusable = false;
      dropHeader(headers, 'content-length');
      head.contentLength = -1;
    }
  } else if (head.contentLength > 0) head.framing = 'length';
  else if (head.contentLength === 0) head.framing = 'none';
  else head.framing = 'close';
  if (head.framing === 'close') head.reusable = false;
  return head;
}

// A worker sends the same Keep-Alive value on every response: remember the last one parsed.
let lastKeepAlive = '';
let lastKeepAliveMs = Infinity;

/** The announced keep-alive timeout minus the margin, ms; Infinity when the value has no timeout. */
function keepAliveMsOf(value: string): number {
  if (value !== lastKeepAlive) {
    const t = keepAliveTimeoutRe.exec(value);
    lastKeepAliveMs = t ? Math.max(0, Number(t[1]) * 1000 - keepAliveMarginMs) : Infinity;
    lastKeepAlive = value;
  }
  return lastKeepAliveMs;
}

/** `Connection: close` ends reuse; other tokens name more connection-level headers to drop. */
function applyConnectionHeader(head: ResponseHead, value: string): void {
  if (value.length === 10 && value.toLowerCase() === 'keep-alive') return; // what node's servers send
  for (const token of value.toLowerCase().split(',')) {
    const t = token.trim();
    if (t === 'close') head.reusable = false;
    else if (t && t !== 'keep-alive' && t !== 'upgrade' && head.status !== 101) dropHeader(head.headers, t);
  }
}

function dropHeader(headers: string[], lowerName: string): void {
  for (let i = headers.length - 2; i >= 0; i -= 2) {
    if (headers[i]!.toLowerCase() === lowerName) headers.splice(i, 2);
  }
}
