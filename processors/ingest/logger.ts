import type { LogSink } from '../kafka/log-sink.ts';
import { logLevels } from './config.ts';
import type { LogLevel } from './config.ts';

/**
 * The ingester's structured log: one JSON object per line on stderr, `module: "ingest"`. The level is
 * checked before anything is formatted, so debug calls on the per-batch path cost a comparison.
 */
export function createIngestLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l)): LogSink {
  const threshold = logLevels.indexOf(level);
  const emit = (lvl: LogLevel) => (message: string, fields?: Record<string, unknown>): void => {
    if (logLevels.indexOf(lvl) < threshold) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level: lvl, module: 'ingest', message, ...fields };
    if (entry.err instanceof Error) entry.err = { message: entry.err.message, stack: entry.err.stack };
    write(`${JSON.stringify(entry, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
