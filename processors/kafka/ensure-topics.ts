import type { Kafka } from 'kafkajs';
import type { KafkaConfig } from './config.ts';

/** Outcome of {@link ensureTopics}: which topics this call created (the others already existed). */
export interface EnsureTopicsResult {
  readonly created: readonly string[];
}

/**
 * Creates the spans, metrics and dead-letter topics when missing, with the configured partition count and
 * retention. Idempotent: existing topics are left unchanged (their partition count is never altered, since
 * that would move keys between partitions). Throws the kafkajs error when the brokers cannot be reached.
 */
export async function ensureTopics(kafka: Kafka, config: KafkaConfig): Promise<EnsureTopicsResult> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = [
      { topic: config.topics.spans, retentionMs: config.retentionMs },
      { topic: config.topics.metrics, retentionMs: config.retentionMs },
      { topic: config.topics.deadLetter, retentionMs: config.deadLetterRetentionMs },
    ].filter((t) => !existing.has(t.topic));
    if (wanted.length === 0) return { created: [] };
    await admin.createTopics({
      waitForLeaders: true,
      timeout: config.requestTimeoutMs,
      topics: wanted.map((t) => ({
        topic: t.topic,
        numPartitions: config.partitions,
        replicationFactor: config.replicationFactor,
        configEntries: [{ name: 'retention.ms', value: String(t.retentionMs) }],
      })),
    });
    return { created: wanted.map((t) => t.topic) };
  } catch (err) {
    // Another process may have created the topics between the list and the create.
    if (isTopicExists(err)) return { created: [] };
    throw err;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function isTopicExists(err: unknown): boolean {
  const e = err as { type?: string; errors?: { type?: string }[] } | null;
  if (!e) return false;
  if (e.type === 'TOPIC_ALREADY_EXISTS') return true;
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((x) => x.type === 'TOPIC_ALREADY_EXISTS');
}
