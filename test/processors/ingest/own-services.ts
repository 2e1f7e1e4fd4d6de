/**
 * A Kafka broker or ClickHouse server of a test's own, on free ports and in a temporary state folder, started
 * by the project's service scripts, for tests that stop or kill them (the shared services must stay up).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

export interface OwnService {
  /** `host:port` (Kafka) or `http://host:port` (ClickHouse). */
  readonly address: string;
  /** Starts it; `keepData` restarts on the data of the previous start. */
  start(keepData?: boolean): Promise<void>;
  /** The script's graceful stop. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /** Stops it and removes its state folder. */
  destroy(): Promise<void>;
}

function ownService(script: string, env: Record<string, string>, pidFile: string, address: string): OwnService {
  const state = mkdtempSync(path.join(os.tmpdir(), 'nf-ingest-svc-'));
  const fullEnv = { ...process.env, ...env, NODEFARM_STATE: state };
  const call = async (action: string, extra: Record<string, string> = {}): Promise<void> => {
    await run('bash', [path.join(root, script), action], { env: { ...fullEnv, ...extra }, timeout: 120_000 });
  };
  return {
    address,
    start: (keepData = false) => call('start', keepData ? { KEEP_DATA: '1' } : {}),
    stop: () => call('stop'),
    async kill() {
      const pid = Number(readFileSync(path.join(state, pidFile), 'utf8').trim());
      process.kill(pid, 'SIGKILL');
      while (alive(pid)) await new Promise((r) => setTimeout(r, 50));
    },
    async destroy() {
      await call('stop').catch(() => undefined);
      rmSync(state, { recursive: true, force: true });
    },
  };
}

/** A single-node KRaft broker (256 MiB heap) of this test's own. */
export async function ownKafka(): Promise<OwnService> {
  const port = await freePort();
  const controller = await freePort();
  return ownService('deploy/kafka/kafka.sh', { KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(controller), KAFKA_HEAP: '256m' },
    `kafka-${port}/kafka.pid`, `127.0.0.1:${port}`);
}

/** A ClickHouse server (the local 18.16) of this test's own. */
export async function ownClickHouse(): Promise<OwnService> {
  const [http, tcp, inter] = [await freePort(), await freePort(), await freePort()];
  return ownService('deploy/clickhouse/clickhouse.sh', {
    CLICKHOUSE_HTTP_PORT: String(http), CLICKHOUSE_TCP_PORT: String(tcp), CLICKHOUSE_INTERSERVER_PORT: String(inter),
  }, `clickhouse-${http}/clickhouse.pid`, `http://127.0.0.1:${http}`);
}
