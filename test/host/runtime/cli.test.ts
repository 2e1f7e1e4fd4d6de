import { afterEach, describe, expect, it } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { HostStatus } from '../../../host/admin/index.ts';
import { fixtures, httpGet, isAlive, waitFor } from './helpers.ts';

const repo = join(import.meta.dirname, '../../..');
const bin = join(repo, 'bin/nodefarm.js');
const running: ChildProcess[] = [];
const leftovers: string[] = [];

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of leftovers.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Served {
  child: ChildProcess;
  listen: string;
  adminSocket: string;
  logs: () => Record<string, unknown>[];
  exited: Promise<number | null>;
}

/** Starts `nodefarm serve` with the pinned node and waits for its "host listening" log line. */
async function serve(args: string[]): Promise<Served> {
  // `serve` captures worker output to log files beside the app; keep them out of the fixtures folder.
  const logDir = mkdtempSync(join(tmpdir(), 'nodefarm-cli-logs-'));
  const child = spawn(process.execPath, [bin, 'serve', ...args, '--logDirectory', logDir], { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] });
  running.push(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const logs = (): Record<string, unknown>[] => stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  const listening = await waitFor(() => logs().find((l) => l.message === 'host listening'), 15_000, `host listening (stderr: ${stderr})`);
  const adminSocket = String(listening.adminSocket);
  leftovers.push(dirname(adminSocket));
  return { child, listen: String(listening.listen), adminSocket, logs, exited };
}

function nodefarm(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: repo, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as NodeJS.ErrnoException & { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('nodefarm serve', () => {
  it('serves an app end to end, reports status, and stops its workers gracefully on SIGTERM', async () => {
    const app = join(fixtures, 'counter.cjs');
    const s = await serve([app, '--port', '0', '--nodeProcessCountPerApplication', '2']);
    expect((await httpGet(`${s.listen}/`)).status).toBe(200);
    await httpGet(`${s.listen}/`);

    const json = await nodefarm(['status', '--admin-socket', s.adminSocket, '--json']);
    expect(json.code).toBe(0);
    const status = JSON.parse(json.stdout) as HostStatus;
    expect(status.apps).toHaveLength(1);
    // VmRSS includes ~50 MB of the node binary's file-backed pages (shared with every Node process on the
    // machine); the host's own memory is its anonymous resident memory.
    const anon = Number(/^RssAnon:\s+(\d+)/m.exec(readFileSync(`/proc/${status.pid}/status`, 'utf8'))?.[1]) * 1024;
    expect(anon).toBeLessThan(80 * 1048576);
    const appStatus = status.apps[0]!;
    expect(appStatus).toMatchObject({ name: 'counter', state: 'running', processed: 2, restarts: 0 });
    expect(appStatus.workers).toHaveLength(2);
    for (const w of appStatus.workers) {
      expect(w.state).toBe('ready');
      expect(w.rssBytes).toBeGreaterThan(1_000_000);
      expect(w.pid).toBeGreaterThan(0);
    }

    const table = await nodefarm(['status'], { NODEFARM_ADMIN_SOCKET: s.adminSocket });
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('----------- App: counter (running) -----------');
    expect(table.stdout).toMatch(/SLOT\s+PID\s+STATE\s+ACTIVE\s+PROCESSED\s+UPTIME\s+MEMORY\s+RESTARTS\s+LAST EXIT/);
    expect(table.stdout).toMatch(/Queue\s+: 0 waiting \(max 1000\)/);

    const pids = appStatus.workers.map((w) => w.pid!);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    const messages = s.logs().map((l) => l.message);
    expect(messages).toEqual(expect.arrayContaining(['app starting', 'worker spawned', 'host listening', 'host stopped']));
    expect(s.logs().filter((l) => l.message === 'worker spawned')).toHaveLength(2);
  });

  it('takes its workers down when the host is killed with SIGKILL', async () => {
    const s = await serve([join(fixtures, 'hello.cjs'), '--port', '0', '--nodeProcessCountPerApplication', '2']);
    const status = JSON.parse((await nodefarm(['status', '--admin-socket', s.adminSocket, '--json'])).stdout) as HostStatus;
    const pids = status.apps[0]!.workers.map((w) => w.pid!);
    expect(pids.every(isAlive)).toBe(true);
    s.child.kill('SIGKILL');
    await s.exited;
    await waitFor(() => pids.every((pid) => !isAlive(pid)), 5000, 'workers gone');
  });

  it('fails with a usage message and exit code 2 on a bad flag', async () => {
    const r = await nodefarm(['serve', join(fixtures, 'hello.cjs'), '--port', 'abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--port/);
  });
});

describe('nodefarm status', () => {
  it('explains when no host answers on the admin socket', async () => {
    const r = await nodefarm(['status', '--admin-socket', join(repo, 'no-such-host.sock')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read the status/);
  });
});
