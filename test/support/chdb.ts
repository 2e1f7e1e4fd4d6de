/**
 * Runs SQL on a current ClickHouse engine (chdb, embedded in Python) so every statement the project issues can
 * be checked against today's ClickHouse as well as the local 18.16 server.
 *
 * One Python process per `openChdb()`; all statements share its session (one data directory), so DDL then
 * queries behave as on a server. Requests are answered in order, one JSON line each (deploy/chdb/server.py).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

export interface ChdbSession {
  /** Runs one statement; resolves with the engine's output in `format`, rejects with the engine's message. */
  query(sql: string, format?: string): Promise<string>;
  /** Runs a query in JSONEachRow and parses the rows. */
  rows<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * The project's virtualenv python (chdb, the OTLP exporter); installs it (cached) on first use when
 * NODEFARM_PYTHON is not set.
 */
export function projectPython(): string {
  if (process.env.NODEFARM_PYTHON) return process.env.NODEFARM_PYTHON;
  const res = spawnSync('bash', [path.join(root, 'deploy/python/install.sh')], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`deploy/python/install.sh failed: ${res.stderr}`);
  process.env.NODEFARM_PYTHON = res.stdout.trim();
  return process.env.NODEFARM_PYTHON;
}

interface Pending { resolve(out: string): void; reject(err: Error): void }

export function openChdb(): ChdbSession {
  const child = spawn(projectPython(), [path.join(root, 'deploy/chdb/server.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr = (stderr + d).slice(-4000); });
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    const reply = JSON.parse(line) as { id: number; ok: boolean; output?: string; error?: string };
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if (reply.ok) p.resolve(reply.output ?? '');
    else p.reject(new Error(`chdb: ${reply.error}`));
  });
  child.on('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`chdb exited with ${code}: ${stderr}`));
    pending.clear();
  });

  const query = (sql: string, format = 'JSONEachRow'): Promise<string> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.stdin.write(`${JSON.stringify({ id, sql, format })}\n`);
    });

  return {
    query,
    async rows<T>(sql: string): Promise<T[]> {
      const out = await query(sql, 'JSONEachRow');
      return out.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as T);
    },
    close: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) { resolve(); return; }
      child.once('exit', () => resolve());
      child.stdin.end();
    }),
  };
}
