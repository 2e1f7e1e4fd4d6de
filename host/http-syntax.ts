/**
 * The HTTP/1.1 syntax checks the host applies to header names and values it writes (RFC 9110 5.1, 5.5), in one
 * place: the front server's lean path, its responses, the proxy's rewritten request heads and promoted server
 * variables all use the same rules as node's own http module.
 */

const tokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Node's rule for header values and status reasons: no control characters but tab, nothing above 0xff.
const invalidValueCharRe = /[^\t\x20-\x7e\x80-\xff]/;

/** True when `name` is a valid header name (a token). */
export function isHeaderName(name: string): boolean {
  return tokenRe.test(name);
}

/** True when `value` holds a character node's http module refuses in a header value or status reason. */
export function hasInvalidValueChar(value: string): boolean {
  return invalidValueCharRe.test(value);
}
