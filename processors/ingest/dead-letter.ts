import type { Kafka, Producer } from 'kafkajs';
import type { DeadLetter } from './decode-record.ts';
import type { RecordSource } from './row-types.ts';

/** Header names on dead-letter records (the original headers are kept as well). */
export const DEAD_LETTER_HEADERS = {
  error: 'nodefarm-dlq-error',
  topic: 'nodefarm-dlq-source-topic',
  partition: 'nodefarm-dlq-source-partition',
  offset: 'nodefarm-dlq-source-offset',
  at: 'nodefarm-dlq-time',
} as const;

/** Writes poison records to the dead-letter topic (acks=all); throws when Kafka does not acknowledge. */
export interface DeadLetterWriter {
  send(items: readonly { source: RecordSource; letter: DeadLetter }[]): Promise<void>;
  close(): Promise<void>;
}

export function createDeadLetterWriter(kafka: Kafka, topic: string): DeadLetterWriter {
  let producer: Producer | undefined;
  let connecting: Promise<Producer> | undefined;
  const connected = (): Promise<Producer> => {
    if (producer) return Promise.resolve(producer);
    connecting ??= (async () => {
      const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      try {
        await p.connect();
      } catch (err) {
        connecting = undefined;
        throw err;
      }
      producer = p;
      return p;
    })();
    return connecting;
  };
  return {
    async send(items) {
      if (items.length === 0) return;
      const p = await connected();
      await p.send({
        topic,
        acks: -1,
        messages: items.map(({ source, letter }) => ({
          key: letter.key,
          value: letter.value,
          headers: {
            ...letter.headers,
            [DEAD_LETTER_HEADERS.error]: letter.reason.slice(0, 2000),
            [DEAD_LETTER_HEADERS.topic]: source.topic,
            [DEAD_LETTER_HEADERS.partition]: String(source.partition),
            [DEAD_LETTER_HEADERS.offset]: String(source.offset),
            [DEAD_LETTER_HEADERS.at]: new Date().toISOString(),
          },
        })),
      });
    },
    async close() {
      const p = producer ?? (connecting ? await connecting.catch(() => undefined) : undefined);
      producer = undefined;
      connecting = undefined;
      await p?.disconnect().catch(() => undefined);
    },
  };
}
