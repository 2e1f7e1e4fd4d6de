import type { Logger } from '../../host/server/logger.ts';

/** Where Kafka components log: the project's structured logger (host/server/logger.ts `createJsonLogger`). */
export type LogSink = Logger;

/** Discards everything (tests, embedding without logs). */
export const silentLog: LogSink = { debug() {}, info() {}, warn() {}, error() {} };
