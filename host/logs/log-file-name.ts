/** The two captured streams of a worker. */
export type LogStreamType = 'stdout' | 'stderr';

/** What a log file's name says about it. */
export interface LogFileInfo {
  readonly file: string;
  readonly server: string;
  readonly pid: number;
  readonly type: LogStreamType;
  /** Creation time from the name, ms since the epoch. */
  readonly created: number;
}

// iisnode's pattern, without dot files. The server part is greedy, so a server name with dashes still parses.
const LOG_FILE = /^([^.].*)-(\d+)-(stderr|stdout)-(\d+)\.txt$/;

/**
 * A server name made safe for a file name and a URL path segment: anything outside letters, digits, `.`,
 * `_` and `-` becomes `_` (host names are already in that set).
 */
export function safeServerName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return safe || 'localhost';
}

/** `<server>-<pid>-<stdout|stderr>-<ms>.txt`, iisnode's layout with the server name in place of COMPUTERNAME. */
export function logFileName(server: string, pid: number, type: LogStreamType, created: number): string {
  return `${safeServerName(server)}-${pid}-${type}-${created}.txt`;
}

/** Parses a log file name; undefined for any other file. */
export function parseLogFileName(file: string): LogFileInfo | undefined {
  const m = LOG_FILE.exec(file);
  if (!m) return undefined;
  return { file, server: m[1]!, pid: Number(m[2]), type: m[3] as LogStreamType, created: Number(m[4]) };
}

/** The index page's file name, as in iisnode. */
export const INDEX_FILE = 'index.html';
