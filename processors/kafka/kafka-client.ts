// First, so that kafkajs loads the faster checksum (fast-crc32c.ts).
import './fast-crc32c.ts';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig } from './config.ts';
import type { LogSink } from './log-sink.ts';

/**
 * kafkajs messages that are expected with our settings and would otherwise be logged as warnings on every
 * start: retries are bounded on purpose (the gateway answers 503 and OTLP clients retry), and the partitioner
 * is chosen explicitly.
 */
const expectedWarnings = [/Limiting retries for the idempotent producer/, /switched default partitioner/];

/** A kafkajs client built from the project's Kafka config, logging into `log`. */
export function createKafkaClient(config: KafkaConfig, log: LogSink): Kafka {
  return new Kafka({
    clientId: config.clientId,
    brokers: [...config.brokers],
    connectionTimeout: config.connectionTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    retry: { retries: config.retries, initialRetryTime: 100, maxRetryTime: 2000 },
    logLevel: logLevel.INFO,
    logCreator: () => ({ namespace, level, log: entry }) => {
      const { message, timestamp: _t, logger: _l, ...fields } = entry;
      const text = String(message);
      const all = { module: `kafkajs.${namespace}`, ...fields };
      if (level === logLevel.ERROR) log.warn(text, all); // kafkajs reports retried request failures as errors
      else if (level === logLevel.WARN && !expectedWarnings.some((re) => re.test(text))) log.warn(text, all);
      else log.debug(text, all);
    },
  });
}
