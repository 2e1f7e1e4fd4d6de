// Helpers for the recycle tests: throw-away app folders, a steady request load that counts every failure,
// and a JSON-lines logger that keeps what the host logged.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Logger } from '../../../host/server/index.ts';

const cleanups: (() => void | Promise<void>)[] = [];

/** Registers a cleanup step run (last first) by `runCleanups`. */
export function onCleanup(step: () => void | Promise<void>): void {
  cleanups.push(step);
}

export async function runCleanups(): Promise<void> {
  while (cleanups.length) await cleanups.pop()!();
}

/** A temp app folder; `write` creates files (atomically, like an editor or a deploy tool, when `atomic`). */
export interface AppDir {
  readonly dir: string;
  write(name: string, content: string, atomic?: boolean): string;
  path(name: string): string;
}

export function makeAppDir(): AppDir {
  const dir = mkdtempSync(join(tmpdir(), 'nfr-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string, atomic = false): string => {
    const file = join(dir, name);
    mkdirSync(dirname(file), { recursive: true });
    if (atomic) {
      writeFileSync(`${file}.tmp`, content);
      renameSync(`${file}.tmp`, file);
    } else {
      writeFileSync(file, content);
    }
    return file;
  };
  return { dir, write, path: (name) => join(dir, name) };
}

/** An app answering `<label> <pid>` with the pid also in x-worker-pid. */
export function labelApp(label: string, extra = ''): string {
  return `const http = require('node:http');
${extra}
http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'x-worker-pid': String(process.pid) });
  res.end(${JSON.stringify(label)} + ' ' + process.pid);
}).listen(process.env.PORT);
`;
}

export interface Reply {
  status: number;
  body: string;
}

/** GET through `agent` (keep-alive by default, as browsers and load balancers do). */
export function get(url: string, agent: Agent | false = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A steady load: `loops` concurrent request loops until `stop()`; every non-2xx and error is kept. */
export interface Load {
  readonly ok: number;
  readonly failures: string[];
  readonly bodies: Set<string>;
  stop(): Promise<void>;
}

export function startLoad(url: string, loops = 4): Load {
  const agent = new Agent({ keepAlive: true, maxSockets: loops });
  let running = true;
  const state = { ok: 0, failures: [] as string[], bodies: new Set<string>() };
  const loop = async (): Promise<void> => {
    while (running) {
      try {
        const r = await get(url, agent);
        if (r.status >= 200 && r.status < 300) {
          state.ok++;
          state.bodies.add(r.body);
        } else {
          state.failures.push(`${r.status} ${r.body.trim()}`);
        }
      } catch (err) {
        state.failures.push(`error ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
    }
  };
  const all = Array.from({ length: loops }, loop);
  return {
    get ok() {
      return state.ok;
    },
    failures: state.failures,
    bodies: state.bodies,
    async stop() {
      running = false;
      await Promise.all(all);
      agent.destroy();
    },
  };
}

/** A logger that keeps every entry (and prints nothing). */
export function memoryLogger(): Logger & { entries: { level: string; message: string; fields: Record<string, unknown> }[] } {
  const entries: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, fields: Record<string, unknown> = {}): void => {
    entries.push({ level, message, fields });
  };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
