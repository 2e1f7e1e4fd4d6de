import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup, httpGet, waitFor } from './helpers.ts';

const bin = join(import.meta.dirname, '../../../bin/nodefarm.js');
const running: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  await cleanup();
});

// A worker that reports the variables the host must not pass on to it.
const envApp = `require('node:http').createServer((req, res) => {
  res.end(JSON.stringify({ arena: process.env.MALLOC_ARENA_MAX ?? null, marker: process.env.NODEFARM_HOST_REEXEC ?? null }));
}).listen(process.env.PORT);
`;

/** Starts `nodefarm serve` on an app echoing its environment; resolves with the host process and its URL. */
async function serveEnvApp(env: Record<string, string | undefined>): Promise<{ child: ChildProcess; listen: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'nodefarm-hostproc-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'app.cjs'), envApp);
  const child = spawn(process.execPath, [bin, 'serve', join(dir, 'app.cjs'), '--port', '0', '--logDirectory', join(dir, 'logs')],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  running.push(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const line = await waitFor(() => stderr.split('\n').find((l) => l.includes('"host listening"')), 15_000, 'host listening');
  return { child, listen: String((JSON.parse(line) as { listen: string }).listen) };
}

function cmdline(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
}

describe('nodefarm serve host process', () => {
  it('restarts itself in place with a small young generation and keeps its malloc setting from the workers', async () => {
    const { child, listen } = await serveEnvApp({ MALLOC_ARENA_MAX: undefined, NODEFARM_HOST_FLAGS: undefined });
    const args = cmdline(child.pid!);
    expect(args).toContain('--max-semi-space-size=4');
    expect(args).toContain('--single-threaded');
    const reply = await httpGet(`${listen}/`);
    expect(JSON.parse(reply.body)).toEqual({ arena: null, marker: null });
  });

  it('runs with Node\'s defaults when NODEFARM_HOST_FLAGS is 0', async () => {
    const { child, listen } = await serveEnvApp({ NODEFARM_HOST_FLAGS: '0', MALLOC_ARENA_MAX: undefined });
    expect(cmdline(child.pid!).filter((a) => a.startsWith('--max-semi-space-size'))).toEqual([]);
    expect((await httpGet(`${listen}/`)).status).toBe(200);
  });
});
