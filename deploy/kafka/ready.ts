// Readiness probe: a broker is ready when a metadata request (describeCluster) succeeds.
// Usage: node ready.ts HOST:PORT TIMEOUT_SECONDS. Exit 0 when ready, 1 when the deadline passes.
import { Kafka, logLevel } from 'kafkajs';

const [broker = '127.0.0.1:19092', timeoutArg = '60'] = process.argv.slice(2);
const deadline = Date.now() + Number(timeoutArg) * 1000;

async function probe(): Promise<boolean> {
  const admin = new Kafka({ clientId: 'nodefarm-ready', brokers: [broker], logLevel: logLevel.NOTHING,
    connectionTimeout: 1000, requestTimeout: 2000, retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

for (;;) {
  if (await probe()) process.exit(0);
  if (Date.now() >= deadline) process.exit(1);
  await new Promise((resolve) => setTimeout(resolve, 500));
}
