/**
 * Worker log capture: each worker's stdout and stderr, read from the pipes the host gave it, written to
 * `<logDirectory>/<server>-<pid>-<stdout|stderr>-<ms>.txt` with iisnode's rollover and purge rules and an
 * `index.html`; the last 64 KB of each worker's stderr kept in memory; and the optional read-only logs URL.
 * See docs/logs.md.
 *
 * ```ts
 * const logs = createLogCapture(logCaptureOptionsFrom(app, serverName));
 * logs.attach(worker);                  // { pid, stdout, stderr }
 * logs.stderrTail(worker.pid);          // last 64 KB of its stderr
 * await logs.close();                   // flush at shutdown
 * ```
 */
import { resolveLogCaptureOptions, type LogCaptureInput } from './config.ts';
import { LogCapture } from './log-capture.ts';

export {
  logCaptureDefaults, logCaptureOptionsFrom, logFolderOf, resolveLogCaptureOptions, type LogCaptureInput, type LogCaptureOptions,
} from './config.ts';
export { LogCapture, type CaptureSource, type LogCaptureStats, type StderrTail } from './log-capture.ts';
export { INDEX_FILE, logFileName, parseLogFileName, safeServerName, type LogFileInfo, type LogStreamType } from './log-file-name.ts';
export { renderIndexHtml, escapeHtml } from './render-index-html.ts';
export { serveLogs, logsUrlBase } from './serve-logs.ts';

/** Creates the capture of one app; it writes nothing until a worker attached to it prints something. */
export function createLogCapture(options: LogCaptureInput): LogCapture {
  return new LogCapture(resolveLogCaptureOptions(options));
}
