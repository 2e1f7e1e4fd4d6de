import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { AppConfig } from '../config/farm-config.ts';
import type { Logger } from '../server/logger.ts';

/** Options of {@link createLogCapture}: one app's log folder and its limits. */
export interface LogCaptureOptions {
  /** Write files at all (iisnode's `loggingEnabled`). When false only the in-memory stderr tails are kept. */
  readonly enabled: boolean;
  /** Absolute log folder (the app's `logDirectory` resolved against its folder). */
  readonly dir: string;
  /** First part of every file name (iisnode used COMPUTERNAME). */
  readonly serverName: string;
  /** A file is rolled over once it is larger than this, bytes (`maxLogFileSizeInKB`). */
  readonly maxFileSize: number;
  /** Oldest files are deleted while the folder is larger than this, bytes (`maxTotalLogFileSizeInKB`). */
  readonly maxTotalSize: number;
  /** Oldest files are deleted while the folder holds more files than this (`maxLogFiles`). */
  readonly maxFiles: number;
  /** Bytes of each worker's stderr kept in memory. */
  readonly tailBytes: number;
  /** Bytes per stream that may wait for the disk; beyond it output is dropped and counted. */
  readonly maxBufferedBytes: number;
  /** Stderr tails of exited workers kept for error pages, newest first. */
  readonly keepExitedTails: number;
  /** Problems writing the folder (warn, once per kind of problem); nothing per write. */
  readonly log?: Logger;
}

/**
 * 64 KB of stderr is what iisnode's developer error page could show at most. 1 MB per stream of pending
 * writes absorbs a burst of several pipe reads (64 KB each) while a slow disk catches up and still bounds
 * memory at 2 MB per worker. Eight exited tails cover a crash loop's last attempts.
 */
export const logCaptureDefaults = Object.freeze({
  tailBytes: 64 * 1024,
  maxBufferedBytes: 1024 * 1024,
  keepExitedTails: 8,
});

/** The folder an app's logs go to: `logDirectory` resolved against the app's folder (absolute paths kept). */
export function logFolderOf(app: AppConfig): string {
  return resolve(app.dir, app.settings.logDirectory || 'iisnode');
}

/** Capture options from an app's settings (`loggingEnabled`, `logDirectory`, the three limits). */
export function logCaptureOptionsFrom(app: AppConfig, serverName: string = hostname(), log?: Logger): LogCaptureOptions {
  const s = app.settings;
  return resolveLogCaptureOptions({
    enabled: s.loggingEnabled,
    dir: logFolderOf(app),
    serverName,
    maxFileSize: s.maxLogFileSizeInKB * 1024,
    maxTotalSize: s.maxTotalLogFileSizeInKB * 1024,
    maxFiles: s.maxLogFiles,
    log,
  });
}

/** What a caller must give; the rest defaults to {@link logCaptureDefaults}. */
export type LogCaptureInput =
  Pick<LogCaptureOptions, 'enabled' | 'dir' | 'serverName' | 'maxFileSize' | 'maxTotalSize' | 'maxFiles'> & Partial<LogCaptureOptions>;

/** Fills defaults and rejects limits that cannot work (programmer errors: the config loader validated settings). */
export function resolveLogCaptureOptions(options: LogCaptureInput): LogCaptureOptions {
  const resolved: LogCaptureOptions = { ...logCaptureDefaults, ...options };
  for (const key of ['maxFileSize', 'maxTotalSize', 'maxFiles', 'maxBufferedBytes'] as const) {
    const v = resolved[key];
    if (!Number.isFinite(v) || v < 1) throw new RangeError(`logs.${key} is invalid, expected a number >= 1, actual ${v}`);
  }
  for (const key of ['tailBytes', 'keepExitedTails'] as const) {
    const v = resolved[key];
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`logs.${key} is invalid, expected an integer >= 0, actual ${v}`);
  }
  if (!resolved.dir.startsWith('/')) throw new RangeError(`logs.dir is invalid, expected an absolute path, actual ${resolved.dir}`);
  return Object.freeze(resolved);
}
