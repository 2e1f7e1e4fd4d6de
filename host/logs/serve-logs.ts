import { createReadStream, constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { AppConfig } from '../config/farm-config.ts';
import { logFolderOf } from './config.ts';
import { INDEX_FILE, parseLogFileName } from './log-file-name.ts';

/** The URL path under which an app's logs are served (`<pathPrefix>/<logsPathSegment>`), or undefined when off. */
export function logsUrlBase(app: AppConfig): string | undefined {
  const segment = app.settings.logsPathSegment;
  if (!segment) return undefined;
  const prefix = (app.match.pathPrefix || '/').replace(/\/+$/, '');
  return `${prefix}/${segment}`;
}

/** True when `url` is under the app's logs URL (which {@link serveLogs} answers). */
export function isLogsUrl(app: AppConfig, url: string | undefined): boolean {
  const base = logsUrlBase(app);
  if (!base) return false;
  const u = url ?? '/';
  const q = u.indexOf('?');
  const path = q >= 0 ? u.slice(0, q) : u;
  return path === base || path.startsWith(`${base}/`);
}

/**
 * Answers a request for the app's logs URL and returns true, or returns false when the request is not for
 * it (the app gets it). Read-only GET/HEAD of `index.html` and of files named like log files, directly in
 * the log folder: anything else under the URL is 404 (no listing, no sub-folders, no dot files, no symlinks),
 * a malformed escape or a NUL byte is 400. With loggingEnabled off the URL stays reserved and answers 404.
 */
export function serveLogs(app: AppConfig, req: IncomingMessage, res: ServerResponse): boolean {
  const base = logsUrlBase(app);
  if (!base) return false;
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q >= 0 ? url.slice(0, q) : url;
  if (path !== base && !path.startsWith(`${base}/`)) return false;
  const name = fileNameOf(path.slice(base.length + 1));
  if (!app.settings.loggingEnabled) {
    answer(res, 404, 'Not Found');
  } else if (path === base) {
    res.writeHead(301, { Location: `${base}/`, 'Content-Length': '0' }).end();
  } else if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    answer(res, 405, 'Method Not Allowed');
  } else if (name.status !== 200) {
    answer(res, name.status, name.status === 400 ? 'Bad Request' : 'Not Found');
  } else {
    void sendFile(join(logFolderOf(app), name.file), name.file === INDEX_FILE, req.method === 'HEAD', res);
  }
  return true;
}

/** The file a URL remainder names, or why it names none. Only one path segment, decoded once. */
function fileNameOf(rest: string): { status: 200; file: string } | { status: 400 | 404 } {
  if (rest === '') return { status: 200, file: INDEX_FILE };
  let file: string;
  try {
    file = decodeURIComponent(rest);
  } catch {
    return { status: 400 };
  }
  if (file.includes('\0')) return { status: 400 };
  if (file.includes('/') || file.includes('\\') || file.startsWith('.')) return { status: 404 };
  if (file !== INDEX_FILE && !parseLogFileName(file)) return { status: 404 };
  return { status: 200, file };
}

async function sendFile(path: string, html: boolean, headOnly: boolean, res: ServerResponse): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    // O_NOFOLLOW: a symlink placed in the folder (ELOOP) is refused instead of followed out of it.
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    const st = await handle.stat();
    if (!st.isFile()) {
      await handle.close();
      answer(res, 404, 'Not Found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': html ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8',
      'Content-Length': String(st.size),
      'Last-Modified': st.mtime.toUTCString(),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': 'default-src \'none\'; style-src \'unsafe-inline\'',
    });
    if (headOnly || st.size === 0) {
      await handle.close();
      res.end();
      return;
    }
    // The file may still be growing: send exactly the length announced.
    const stream = createReadStream('', { fd: handle, start: 0, end: st.size - 1 });
    res.on('close', () => stream.destroy());
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  } catch {
    await handle?.close().catch(() => {});
    if (!res.headersSent) answer(res, 404, 'Not Found');
    else res.destroy();
  }
}

function answer(res: ServerResponse, status: number, text: string): void {
  const body = `${status} ${text}\n`;
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), 'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}
