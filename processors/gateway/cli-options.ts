import { readFileSync } from 'node:fs';
import type { GatewayConfigInput } from './config.ts';
import { formatOptionTable, optionTable, parseOptionTable, type OptionKind, type OptionSpec } from '../cli/option-table.ts';

/** Every `nodefarm gateway` option: its flag, its NODEFARM_GATEWAY_* variable and its config path. */
export const gatewayOptions: readonly OptionSpec[] = optionTable([
  ['listenAddress', 'host', 'string', 'address to bind (default 127.0.0.1; 0.0.0.0 for all interfaces)'],
  ['port', 'port', 'int', 'OTLP/HTTP port (default 4318)'],
  ['kafka.brokers', 'brokers', 'list', 'Kafka brokers, host:port[,host:port]'],
  ['kafka.clientId', 'client-id', 'string', 'Kafka client id'],
  ['kafka.topics.spans', 'spans-topic', 'string', 'topic for spans (default otlp_spans)'],
  ['kafka.topics.metrics', 'metrics-topic', 'string', 'topic for metrics (default otlp_metrics)'],
  ['kafka.topics.deadLetter', 'dead-letter-topic', 'string', 'dead-letter topic (default otlp_dead_letter)'],
  ['kafka.createTopics', 'create-topics', 'bool', 'create missing topics at start (default true)'],
  ['kafka.partitions', 'partitions', 'int', 'partitions of created topics (default 3)'],
  ['kafka.replicationFactor', 'replication-factor', 'int', 'replication factor of created topics (default 1)'],
  ['kafka.retentionMs', 'retention-ms', 'int', 'retention.ms of the spans and metrics topics (default 7 days)'],
  ['kafka.deadLetterRetentionMs', 'dead-letter-retention-ms', 'int', 'retention.ms of the dead-letter topic (default 14 days)'],
  ['kafka.idempotent', 'idempotent', 'bool', 'idempotent producer (default true)'],
  ['kafka.compression', 'kafka-compression', 'string', 'record compression: none | gzip (default none)'],
  ['kafka.requestTimeoutMs', 'kafka-request-timeout-ms', 'int', 'Kafka request timeout (default 10000)'],
  ['kafka.retries', 'kafka-retries', 'int', 'Kafka client retries before answering 503 (default 3)'],
  ['limits.maxBodyBytes', 'max-body-bytes', 'int', 'request body limit, also after gunzip (default 16 MiB)'],
  ['limits.maxInFlightRequests', 'max-in-flight-requests', 'int', 'export requests at once before 429 (default 64)'],
  ['limits.maxInFlightBytes', 'max-in-flight-bytes', 'int', 'bytes of requests at once before 429 (default 128 MiB)'],
  ['limits.maxAttributeValueBytes', 'max-attribute-value-bytes', 'int', 'attribute values are cut to this (default 16384)'],
  ['limits.maxMessageBytes', 'max-message-bytes', 'int', 'largest Kafka record value (default 1000000)'],
  ['limits.maxPastMs', 'max-past-ms', 'int', 'reject items older than this (default 30 days)'],
  ['limits.maxFutureMs', 'max-future-ms', 'int', 'reject items further ahead than this (default 1 day)'],
  ['authToken', 'auth-token-file', 'string', 'file holding the bearer token required on exports (env: NODEFARM_GATEWAY_AUTH_TOKEN)'],
  ['logLevel', 'log-level', 'string', 'debug | info | warn | error | silent (default info)'],
] satisfies [string, string, OptionKind, string][], (flag) => `NODEFARM_GATEWAY_${flag.replace(/-file$/, '').replace(/-/g, '_').toUpperCase()}`);



export type ParsedOptions =
  | { readonly ok: true; readonly help: boolean; readonly input: GatewayConfigInput }
  | { readonly ok: false; readonly problem: string };

/**
 * Builds the gateway input from flags over NODEFARM_GATEWAY_* variables (the defaults fill the rest later).
 * Flags take `--name value`, `--name=value`, and `--no-name` for booleans. The token is read from a file
 * (`--auth-token-file`) or the environment, never from a flag, so it does not show in `ps`.
 */
export function parseGatewayOptions(args: readonly string[], env: NodeJS.ProcessEnv): ParsedOptions {
  let fileToRead: string | undefined = env.NODEFARM_GATEWAY_AUTH_TOKEN_FILE || undefined;
  const parsed = parseOptionTable(gatewayOptions, args, env, (spec, value) => {
    if (spec.flag !== 'auth-token-file') return false;
    fileToRead = value;
    return true;
  });
  if (!parsed.ok || parsed.help) return parsed.ok ? { ok: true, help: true, input: {} } : parsed;
  // The token's row reads NODEFARM_GATEWAY_AUTH_TOKEN (the token itself); the flag and *_FILE name a file.
  const input = parsed.input;
  if (fileToRead) {
    try {
      input.authToken = readFileSync(fileToRead, 'utf8').trim();
    } catch (err) {
      return { ok: false, problem: `cannot read the auth token file ${fileToRead}: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  return { ok: true, help: false, input: input as GatewayConfigInput };
}

/** The option list for `nodefarm gateway --help`. */
export function gatewayUsage(): string {
  return `usage: nodefarm gateway [options]\n\nOTLP/HTTP receiver (POST /v1/traces, /v1/metrics) that writes to Kafka.\n\n${formatOptionTable(gatewayOptions)}\n`;
}
