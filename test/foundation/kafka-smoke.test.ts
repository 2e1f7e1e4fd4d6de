import { Kafka, logLevel, type EachMessagePayload } from 'kafkajs';
import { kafkaBrokers, uniqueName } from '../support/services.ts';

describe('Kafka (real broker from the project scripts)', () => {
  const kafka = new Kafka({ clientId: 'smoke', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
  const topic = uniqueName('smoke');

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('produces to and consumes from a 3-partition topic through a consumer group', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
    const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    expect(meta?.partitions).toHaveLength(3);
    await admin.disconnect();

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 3 }));
    await producer.send({ topic, acks: -1, messages: sent });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: uniqueName('smoke-group') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const got: { value: string; partition: number }[] = [];
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message, partition }: EachMessagePayload) => {
          got.push({ value: message.value?.toString() ?? '', partition });
          if (got.length === sent.length) resolve();
        },
      });
    });
    await done;
    await consumer.disconnect();

    expect(got.map((m) => m.value).sort()).toEqual(sent.map((m) => m.value).sort());
    expect(new Set(got.map((m) => m.partition))).toEqual(new Set([0, 1, 2]));
  });
});
