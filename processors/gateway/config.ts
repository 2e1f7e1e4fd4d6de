import { kafkaDefaults, validateKafkaConfig } from '../kafka/config.ts';
import type { ConfigProblem, KafkaConfig } from '../kafka/config.ts';

import { logLevels, type LogLevel } from '../../host/server/logger.ts';

export { logLevels, type LogLevel };

export interface GatewayLimits {
  /** Largest request body, compressed and after decompression (413 above). */
  readonly maxBodyBytes: number;
  /** Export requests admitted at once (read, decoded, waiting for Kafka); 429 above. */
  readonly maxInFlightRequests: number;
  /** Decompressed bytes of the admitted requests together; 429 above (one request is always admitted). */
  readonly maxInFlightBytes: number;
  /** String and bytes attribute values longer than this are cut to it (UTF-8 safe) and counted. */
  readonly maxAttributeValueBytes: number;
  /** Largest Kafka record value; resource batches are split below it. Must stay under the broker's message.max.bytes. */
  readonly maxMessageBytes: number;
  /** Spans and data points whose time is further in the past than this are rejected (partial success). */
  readonly maxPastMs: number;
  /** …or further in the future than this (clock skew allowance). */
  readonly maxFutureMs: number;
}

export interface GatewayConfig {
  /** Address to bind; 0.0.0.0 to accept other hosts. */
  readonly listenAddress: string;
  /** 4318 is the OTLP/HTTP port; 0 picks a free one. */
  readonly port: number;
  /** When set, export requests need `Authorization: Bearer <token>` (401 otherwise). Health checks never do. */
  readonly authToken: string | undefined;
  readonly limits: GatewayLimits;
  /** Retry-After seconds of 429 answers (too much in flight). */
  readonly retryAfterOverloadedSeconds: number;
  /** Retry-After seconds of 503 answers (Kafka unreachable). */
  readonly retryAfterUnavailableSeconds: number;
  /** How long /readyz waits for Kafka before answering 503. */
  readonly readinessTimeoutMs: number;
  readonly logLevel: LogLevel;
  readonly kafka: KafkaConfig;
}

const MiB = 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

export const gatewayDefaults: GatewayConfig = Object.freeze({
  listenAddress: '127.0.0.1',
  port: 4318,
  authToken: undefined,
  limits: Object.freeze({
    maxBodyBytes: 16 * MiB,
    maxInFlightRequests: 64,
    maxInFlightBytes: 128 * MiB,
    maxAttributeValueBytes: 16 * 1024,
    // Kafka's default message.max.bytes is 1048588 for a whole record batch; leave room for batch overhead.
    maxMessageBytes: 1_000_000,
    maxPastMs: 30 * DAY_MS,
    maxFutureMs: 1 * DAY_MS,
  }),
  retryAfterOverloadedSeconds: 1,
  retryAfterUnavailableSeconds: 5,
  readinessTimeoutMs: 2000,
  logLevel: 'info',
  kafka: Object.freeze({ ...kafkaDefaults, clientId: 'nodefarm-gateway' }),
});

/** What callers may pass: any subset, nested objects merged over the defaults. */
export interface GatewayConfigInput {
  readonly listenAddress?: string;
  readonly port?: number;
  readonly authToken?: string | undefined;
  readonly limits?: Partial<GatewayLimits>;
  readonly retryAfterOverloadedSeconds?: number;
  readonly retryAfterUnavailableSeconds?: number;
  readonly readinessTimeoutMs?: number;
  readonly logLevel?: LogLevel;
  readonly kafka?: Partial<Omit<KafkaConfig, 'topics'>> & { readonly topics?: Partial<KafkaConfig['topics']> };
}

/** Merges an input over the defaults (no validation). */
export function mergeGatewayConfig(input: GatewayConfigInput): GatewayConfig {
  const kafka = input.kafka ?? {};
  return {
    ...gatewayDefaults,
    ...stripUndefined(input),
    limits: { ...gatewayDefaults.limits, ...stripUndefined(input.limits ?? {}) },
    kafka: {
      ...gatewayDefaults.kafka,
      ...stripUndefined(kafka),
      topics: { ...gatewayDefaults.kafka.topics, ...stripUndefined(kafka.topics ?? {}) },
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Checks every field; returns all problems (empty when valid). */
export function validateGatewayConfig(config: GatewayConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const check = (ok: boolean, key: string, expected: string, actual: unknown): void => {
    if (!ok) problems.push({ key, expected, actual: JSON.stringify(actual) ?? String(actual) });
  };
  const isInt = (v: unknown, min: number, max: number): boolean =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
  check(typeof config.listenAddress === 'string' && config.listenAddress.length > 0, 'listenAddress',
    'an IP address or host name', config.listenAddress);
  check(isInt(config.port, 0, 65535), 'port', 'an integer from 0 to 65535', config.port);
  check(config.authToken === undefined || (typeof config.authToken === 'string' && config.authToken.length >= 8),
    'authToken', 'unset or a token of at least 8 characters', config.authToken === undefined ? undefined : '<redacted>');
  const l = config.limits;
  check(isInt(l.maxBodyBytes, 1024, 1024 * MiB), 'limits.maxBodyBytes', 'an integer from 1024 to 1 GiB', l.maxBodyBytes);
  check(isInt(l.maxInFlightRequests, 1, 100000), 'limits.maxInFlightRequests', 'an integer from 1 to 100000', l.maxInFlightRequests);
  check(isInt(l.maxInFlightBytes, 1024, 64 * 1024 * MiB), 'limits.maxInFlightBytes', 'an integer from 1024 to 64 GiB', l.maxInFlightBytes);
  check(isInt(l.maxAttributeValueBytes, 16, 64 * MiB), 'limits.maxAttributeValueBytes', 'an integer from 16 to 64 MiB',
    l.maxAttributeValueBytes);
  check(isInt(l.maxMessageBytes, 4096, 100 * MiB), 'limits.maxMessageBytes', 'an integer from 4096 to 100 MiB', l.maxMessageBytes);
  check(isInt(l.maxPastMs, 1000, Number.MAX_SAFE_INTEGER), 'limits.maxPastMs', 'an integer of at least 1000', l.maxPastMs);
  check(isInt(l.maxFutureMs, 1000, Number.MAX_SAFE_INTEGER), 'limits.maxFutureMs', 'an integer of at least 1000', l.maxFutureMs);
  check(isInt(config.retryAfterOverloadedSeconds, 0, 3600), 'retryAfterOverloadedSeconds', 'an integer from 0 to 3600',
    config.retryAfterOverloadedSeconds);
  check(isInt(config.retryAfterUnavailableSeconds, 0, 3600), 'retryAfterUnavailableSeconds', 'an integer from 0 to 3600',
    config.retryAfterUnavailableSeconds);
  check(isInt(config.readinessTimeoutMs, 100, 60000), 'readinessTimeoutMs', 'an integer from 100 to 60000', config.readinessTimeoutMs);
  check((logLevels as readonly string[]).includes(config.logLevel), 'logLevel', logLevels.join(' | '), config.logLevel);
  problems.push(...validateKafkaConfig(config.kafka));
  return problems;
}
