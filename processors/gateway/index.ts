import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodefarmError } from '../../host/errors.ts';
import { createKafkaClient } from '../kafka/kafka-client.ts';
import type { LogSink } from '../kafka/log-sink.ts';
import { createKafkaProbe } from '../kafka/kafka-probe.ts';
import { createBatchingProducer } from '../kafka/batching-producer.ts';
import type { ProducerStats } from '../kafka/batching-producer.ts';
import { createAdmission } from './admission.ts';
import type { AdmissionStats } from './admission.ts';
import { createBearerCheck } from './bearer-check.ts';
import { mergeGatewayConfig, validateGatewayConfig } from './config.ts';
import type { GatewayConfig, GatewayConfigInput } from './config.ts';
import { createCounters } from './export-counters.ts';
import type { ExportCounters } from './export-counters.ts';
import { createJsonLogger } from '../../host/server/logger.ts';
import { createRequestListener } from './request-listener.ts';

export type { GatewayConfig, GatewayConfigInput, GatewayLimits, LogLevel } from './config.ts';
export { gatewayDefaults, mergeGatewayConfig, validateGatewayConfig } from './config.ts';

export interface GatewayStats extends ExportCounters {
  readonly admission: AdmissionStats;
  readonly producer: ProducerStats;
}

/** The OTLP/HTTP → Kafka gateway (`nodefarm gateway`). */
export interface Gateway {
  /** The validated, frozen configuration. */
  readonly config: GatewayConfig;
  /** Binds the port and starts connecting to Kafka in the background; resolves with the bound address. */
  start(): Promise<{ address: string; port: number }>;
  /**
   * Stops taking connections, lets in-flight exports finish until `deadlineMs` passes, then fails what is
   * left and disconnects from Kafka. Idempotent; safe before `start`.
   */
  shutdown(deadlineMs?: number): Promise<void>;
  stats(): GatewayStats;
}

export interface GatewayOptions extends GatewayConfigInput {
  /** Log sink; a JSON-lines logger on stderr at `logLevel` by default. */
  readonly log?: LogSink;
}

/**
 * Creates a gateway. Throws {@link NodefarmError} `GATEWAY_CONFIG_INVALID` when the options are invalid
 * (all problems in one message); nothing is opened until `start`.
 */
export function createGateway(options: GatewayOptions = {}): Gateway {
  const { log: givenLog, ...input } = options;
  const config = mergeGatewayConfig(input);
  const problems = validateGatewayConfig(config);
  if (problems.length > 0) {
    throw new NodefarmError('GATEWAY_CONFIG_INVALID', {
      problems: problems.map((p) => `${p.key} is invalid, expected ${p.expected}, actual ${p.actual}`).join('; '),
    });
  }
  Object.freeze(config);
  const log = givenLog ?? createJsonLogger('gateway', config.logLevel);
  const kafka = createKafkaClient(config.kafka, log);
  const producer = createBatchingProducer({ kafka, config: config.kafka, log, maxBatchBytes: config.limits.maxMessageBytes });
  const probe = createKafkaProbe(kafka, config.kafka, config.readinessTimeoutMs);
  const admission = createAdmission(config.limits.maxInFlightRequests, config.limits.maxInFlightBytes);
  const counters = createCounters();
  let started = false;
  let stopping: Promise<void> | undefined;
  const listener = createRequestListener({
    config, admission, producer, counters, log, probe, authorized: createBearerCheck(config.authToken),
    isStopping: () => stopping !== undefined,
  });
  const server = http.createServer(listener);
  server.keepAliveTimeout = 65_000; // longer than common client idle timeouts, so clients close first

  async function listen(): Promise<{ address: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.listenAddress, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((err: unknown) => {
      throw new NodefarmError('GATEWAY_LISTEN_FAILED', {
        address: config.listenAddress, port: config.port, reason: err instanceof Error ? err.message : String(err),
      }, { cause: err });
    });
    started = true;
    const bound = server.address() as AddressInfo;
    log.info('gateway listening', { address: bound.address, port: bound.port, brokers: config.kafka.brokers, topics: config.kafka.topics });
    void producer.connect().then((outcome) => {
      if (outcome.ok) log.info('connected to Kafka', { brokers: config.kafka.brokers });
      else log.warn('Kafka is not reachable yet; exports answer 503 until it is', { reason: outcome.reason });
    });
    return { address: bound.address, port: bound.port };
  }

  async function stop(deadlineMs: number): Promise<void> {
    if (started) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const until = Date.now() + deadlineMs;
      while (listener.active() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      await producer.close();
      // close() answered the exports still waiting for Kafka (503); let their answers reach the sockets.
      const answerBy = Date.now() + 500;
      while (listener.active() > 0 && Date.now() < answerBy) await new Promise((r) => setTimeout(r, 10));
      server.closeAllConnections();
      await closed;
    } else {
      await producer.close();
    }
    await probe.close();
    log.info('gateway stopped', {});
  }

  return {
    config,
    start: listen,
    shutdown(deadlineMs = 10_000) {
      stopping ??= stop(deadlineMs);
      return stopping;
    },
    stats: () => ({ ...counters, admission: admission.stats(), producer: producer.stats() }),
  };
}
