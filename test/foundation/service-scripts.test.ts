import { spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const run = (script: string, env: Record<string, string> = {}) =>
  spawnSync('bash', [path.join(root, script), 'start'], { encoding: 'utf8', env: { ...process.env, ...env } });

/** A TCP listener that is not Kafka nor ClickHouse, to occupy a port. */
async function squatter(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((s) => s.end('not a database\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('service scripts', () => {
  it('reuse a running Kafka broker and ClickHouse server instead of starting a second one', () => {
    const kafka = run('deploy/kafka/kafka.sh');
    expect(kafka.status).toBe(0);
    expect(kafka.stdout.trim()).toBe('reused');
    const ch = run('deploy/clickhouse/clickhouse.sh');
    expect(ch.status).toBe(0);
    expect(ch.stdout.trim()).toBe('reused');
  });

  it('name the port when something else holds the Kafka port', async () => {
    const sq = await squatter();
    try {
      const res = run('deploy/kafka/kafka.sh', { KAFKA_PORT: String(sq.port) });
      expect(res.status).not.toBe(0);
      expect(res.stderr).toContain(`port ${sq.port} is taken`);
      expect(res.stderr).toContain('KAFKA_PORT');
    } finally {
      await sq.close();
    }
  });

  it('name the port when something else holds the ClickHouse HTTP port', async () => {
    const sq = await squatter();
    try {
      const res = run('deploy/clickhouse/clickhouse.sh', { CLICKHOUSE_HTTP_PORT: String(sq.port) });
      expect(res.status).not.toBe(0);
      expect(res.stderr).toContain(`HTTP port ${sq.port} is taken`);
      expect(res.stderr).toContain('CLICKHOUSE_HTTP_PORT');
    } finally {
      await sq.close();
    }
  });
});
