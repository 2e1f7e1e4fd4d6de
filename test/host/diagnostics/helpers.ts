// Shared helpers for the diagnostics tests: fixture paths, and raw requests that keep the path as given.
import { connect } from 'node:net';
import { join } from 'node:path';
import { rawRequest } from '../runtime/helpers.ts';

export const fixture = (name: string): string => join(import.meta.dirname, 'fixtures', name);

/** One request with the path and headers sent exactly as given (no normalisation), on a fresh connection. */
export const rawGet = rawRequest;

/** Sends an Upgrade request on a raw socket and resolves with the response head (up to the blank line). */
export function upgradeHead(base: string, path = '/'): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n`);
    });
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      text += d;
      const end = text.indexOf('\r\n\r\n');
      if (end >= 0) {
        socket.destroy();
        resolve(text.slice(0, end));
      }
    });
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('upgrade timed out')));
  });
}
