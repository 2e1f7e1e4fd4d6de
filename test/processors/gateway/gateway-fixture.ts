import http from 'node:http';
import net from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { createGateway } from '../../../processors/gateway/index.ts';
import type { Gateway, GatewayOptions } from '../../../processors/gateway/index.ts';
import type { KafkaTopics } from '../../../processors/kafka/config.ts';
import { silentLog } from '../../../processors/kafka/log-sink.ts';
import { kafkaBrokers, uniqueName } from '../../support/services.ts';

/** A started gateway on an ephemeral port, writing to topics unique to this test. */
export interface TestGateway {
  readonly gateway: Gateway;
  readonly url: string;
  readonly topics: KafkaTopics;
  stop(): Promise<void>;
}

export function testKafka(brokers = kafkaBrokers()): Kafka {
  return new Kafka({ brokers, clientId: 'gateway-test', logLevel: logLevel.NOTHING });
}

export async function startTestGateway(options: GatewayOptions = {}): Promise<TestGateway> {
  const topics: KafkaTopics = { spans: uniqueName('gw_spans'), metrics: uniqueName('gw_metrics'), deadLetter: uniqueName('gw_dlq') };
  const gateway = createGateway({
    port: 0,
    log: silentLog,
    ...options,
    kafka: { brokers: kafkaBrokers(), topics, requestTimeoutMs: 5000, ...options.kafka },
  });
  const { port } = await gateway.start();
  // A fresh broker (as in CI) needs a moment to create the topics and elect leaders; clients are expected to
  // wait for readiness, and so do the tests, unless Kafka is meant to be unreachable.
  if (!options.kafka?.brokers) await waitForReady(`http://127.0.0.1:${port}/readyz`, 30_000);
  return {
    gateway,
    url: `http://127.0.0.1:${port}`,
    topics,
    async stop() {
      await gateway.shutdown(2000);
      const admin = testKafka().admin();
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      const mine = [topics.spans, topics.metrics, topics.deadLetter].filter((t) => existing.has(t));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

export interface KafkaRecord {
  readonly key: string;
  readonly value: Buffer;
  readonly partition: number;
  readonly headers: Record<string, string>;
}

/**
 * Reads a topic from the beginning until `count` records arrived, then `settleMs` longer so that extra
 * records would be seen too; fails after `timeoutMs`.
 */
export async function readRecords(topic: string, count: number, { timeoutMs = 15000, settleMs = 300 } = {}): Promise<KafkaRecord[]> {
  const consumer = testKafka().consumer({ groupId: uniqueName('gw_test'), maxWaitTimeInMs: 100 });
  const records: KafkaRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let reached: () => void = () => undefined;
    const enough = new Promise<void>((resolve) => { reached = resolve; });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        records.push({ key: message.key?.toString() ?? '', value: message.value ?? Buffer.alloc(0), partition, headers });
        if (records.length >= count) reached();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([enough, new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs); })]);
    clearTimeout(timer);
    await new Promise((r) => setTimeout(r, settleMs));
    return records;
  } finally {
    await consumer.disconnect();
  }
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** As received (still gzip-compressed when the server compressed it). */
  readonly body: Buffer;
}

/** One HTTP request on a fresh connection, without any automatic decompression. */
export function request(url: string, init: { method?: string; headers?: Record<string, string>; body?: Uint8Array | string } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'POST', headers: init.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

export const PROTOBUF = { 'content-type': 'application/x-protobuf' };
export const JSON_TYPE = { 'content-type': 'application/json' };

/** A port on which nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls `condition` every 20 ms until true or `timeoutMs` passes. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function waitForReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(url).catch(() => undefined);
    if (res?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`gateway not ready after ${timeoutMs} ms: ${res ? await res.text() : 'no answer'}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
