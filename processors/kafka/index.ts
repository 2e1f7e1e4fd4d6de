/**
 * Kafka for nodefarm's pipeline: the shared topic config, idempotent topic creation, a one-send-at-a-time
 * batching producer for the gateway, and a readiness probe.
 */
export { kafkaDefaults, validateKafkaConfig } from './config.ts';
export type { KafkaConfig, KafkaTopics, ConfigProblem } from './config.ts';
export { createKafkaClient } from './kafka-client.ts';
export { ensureTopics } from './ensure-topics.ts';
export type { EnsureTopicsResult } from './ensure-topics.ts';
export { createBatchingProducer } from './batching-producer.ts';
export type { BatchingProducer, BatchingProducerOptions, OutgoingRecord, ProducerStats } from './batching-producer.ts';
export { keyPartition, murmur2 } from './key-partition.ts';
export { createKafkaProbe } from './kafka-probe.ts';
export type { KafkaProbe } from './kafka-probe.ts';
export { describeKafkaError, withTimeout } from './kafka-outcome.ts';
export type { KafkaOutcome } from './kafka-outcome.ts';
export { silentLog } from './log-sink.ts';
export type { LogSink } from './log-sink.ts';
