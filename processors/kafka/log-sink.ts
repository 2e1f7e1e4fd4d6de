/** Where Kafka components log: a structured sink (the gateway's logger satisfies it). */
export interface LogSink {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Discards everything (tests, embedding without logs). */
export const silentLog: LogSink = { debug() {}, info() {}, warn() {}, error() {} };
