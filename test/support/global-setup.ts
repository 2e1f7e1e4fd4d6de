/**
 * Starts the real services the tests need (or reuses running ones) before any test file runs, and exports
 * where they are. Services this run started are stopped by global-teardown.ts; reused ones are left alone.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { projectPython } from './chdb.ts';

const root = path.resolve(import.meta.dirname, '../..');

export default async function globalSetup(): Promise<void> {
  // The timeout guards against a start script whose child keeps our stdout pipe open.
  const res = spawnSync('bash', [path.join(root, 'deploy/services.sh'), 'start'], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 10 * 60_000,
  });
  if (res.status !== 0) throw new Error(`deploy/services.sh start failed (${res.error?.message ?? 'see the messages above'})`);
  const started = res.stdout.split('\n').filter((l) => l.endsWith(' started')).map((l) => l.split(' ')[0]!);
  process.env.NODEFARM_TEST_STARTED = started.join(' ');
  process.env.KAFKA_BROKERS ??= `127.0.0.1:${process.env.KAFKA_PORT ?? '19092'}`;
  process.env.CLICKHOUSE_URL ??= `http://127.0.0.1:${process.env.CLICKHOUSE_HTTP_PORT ?? '18123'}`;
  projectPython();
}
