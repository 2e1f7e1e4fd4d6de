import type { Admin, Kafka } from 'kafkajs';
import type { KafkaConfig } from './config.ts';
import { describeKafkaError, withTimeout } from './kafka-outcome.ts';
import type { KafkaOutcome } from './kafka-outcome.ts';

/** Answers "can we reach Kafka and see our topics right now?" for readiness checks. */
export interface KafkaProbe {
  /** Never rejects; answers within `timeoutMs`; results are cached for `cacheMs`. */
  check(): Promise<KafkaOutcome>;
  close(): Promise<void>;
}

/** A probe that fetches the metadata of the spans and metrics topics through one reused admin client. */
export function createKafkaProbe(kafka: Kafka, config: KafkaConfig, timeoutMs: number, cacheMs = 1000): KafkaProbe {
  let admin: Admin | undefined;
  let last: { at: number; outcome: KafkaOutcome } | undefined;
  let pending: Promise<KafkaOutcome> | undefined;

  async function run(): Promise<KafkaOutcome> {
    try {
      if (!admin) {
        const a = kafka.admin();
        admin = a;
        await a.connect();
      }
      await admin.fetchTopicMetadata({ topics: [config.topics.spans, config.topics.metrics] });
      return { ok: true };
    } catch (err) {
      const a = admin;
      admin = undefined;
      await a?.disconnect().catch(() => undefined);
      return { ok: false, reason: describeKafkaError(err) };
    }
  }

  return {
    async check() {
      if (last && Date.now() - last.at < cacheMs) return last.outcome;
      pending ??= withTimeout(run(), timeoutMs, 'Kafka metadata request')
        .catch((err: unknown): KafkaOutcome => ({ ok: false, reason: describeKafkaError(err) }))
        .then((outcome) => {
          last = { at: Date.now(), outcome };
          pending = undefined;
          return outcome;
        });
      return pending;
    },
    async close() {
      const a = admin;
      admin = undefined;
      await a?.disconnect().catch(() => undefined);
    },
  };
}
