/**
 * Removes what one benchmark run created on shared services: its ClickHouse database and its Kafka consumer group and topics.
 * Usage: cleanup.ts <clickhouse-url> <database> <brokers> <group> <topic>...
 */
import { Kafka, logLevel } from 'kafkajs';

const [url, database, brokers, group, ...topics] = process.argv.slice(2);
let failed = false;
if (url && database) {
  const res = await fetch(`${url.replace(/\/$/, '')}/`, { method: 'POST', body: `DROP DATABASE IF EXISTS ${database}` });
  if (!res.ok) { failed = true; process.stderr.write(`cleanup: DROP DATABASE ${database}: ${await res.text()}\n`); }
}
if (brokers && topics.length > 0) {
  const admin = new Kafka({ clientId: 'nodefarm-bench-cleanup', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const mine = topics.filter((t) => existing.has(t));
    if (group) await admin.deleteGroups([group]).catch(() => undefined); // absent when the ingester never joined
    if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 15_000 });
  } catch (err) {
    failed = true;
    process.stderr.write(`cleanup: deleting topics: ${err instanceof Error ? err.message : String(err)}\n`);
  } finally {
    await admin.disconnect();
  }
}
process.exitCode = failed ? 1 : 0;
