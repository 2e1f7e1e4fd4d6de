// `nodefarm serve` reloading on SIGHUP and `nodefarm recycle`, through the real bin and real processes.
import { afterEach, describe, expect, it } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { HostStatus } from '../../../host/admin/index.ts';
import { isAlive, waitFor } from '../runtime/helpers.ts';
import { get, labelApp, makeAppDir, onCleanup, runCleanups, type AppDir } from './helpers.ts';

const repo = join(import.meta.dirname, '../../..');
const bin = join(repo, 'bin/nodefarm.js');

afterEach(runCleanups);

interface Served {
  child: ChildProcess;
  listen: string;
  adminSocket: string;
  logs: () => Record<string, unknown>[];
}

async function serve(args: string[], cwd: string): Promise<Served> {
  const child = spawn(process.execPath, [bin, 'serve', ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  onCleanup(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const logs = (): Record<string, unknown>[] => stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  const listening = await waitFor(() => logs().find((l) => l.message === 'host listening'), 15_000, `host listening (stderr: ${stderr})`);
  return { child, listen: String(listening.listen), adminSocket: String(listening.adminSocket), logs };
}

function nodefarm(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: repo }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function status(s: Served): Promise<HostStatus> {
  const r = await nodefarm(['status', '--admin-socket', s.adminSocket, '--json']);
  return JSON.parse(r.stdout) as HostStatus;
}

function farmYml(app: AppDir, apps: string): void {
  app.write('nodefarm.yml', `socketDir: ${join(app.dir, 's')}
listen:
  port: 0
iisnode:
  nodeProcessCommandLine: ${process.execPath}
  loggingEnabled: false
apps:
${apps}`);
}

describe('nodefarm serve with SIGHUP', () => {
  it('reloads nodefarm.yml: recycles the changed app, starts a new one, and keeps everything on a bad file', async () => {
    const app = makeAppDir();
    app.write('a.js', labelApp('a'));
    app.write('b.js', labelApp('b'));
    farmYml(app, '  - name: a\n    script: a.js\n');
    const s = await serve(['--config', 'nodefarm.yml'], app.dir);
    await waitFor(async () => (await get(`${s.listen}/`)).status === 200, 10_000, 'a answers');

    farmYml(app, `  - name: a
    script: a.js
    iisnode:
      nodeProcessCountPerApplication: 2
  - name: b
    script: b.js
    match:
      pathPrefix: /b
`);
    s.child.kill('SIGHUP');
    await waitFor(async () => (await get(`${s.listen}/b`)).body.startsWith('b '), 10_000, 'b answers');
    await waitFor(async () => (await status(s)).apps.find((a) => a.name === 'a')?.workers.length === 2, 10_000, 'a has 2 workers');
    const reloaded = s.logs().find((l) => l.message === 'configuration reloaded')!;
    expect(reloaded).toMatchObject({ recycled: ['a'], added: ['b'], removed: [] });

    app.write('nodefarm.yml', 'listen:\n  port: 0\napps:\n  - name: a\n    script: a.js\n    iisnode:\n      nodeProcessCountPerApplicaton: 3\n');
    s.child.kill('SIGHUP');
    const failed = await waitFor(() => s.logs().find((l) => l.message === 'configuration reload failed; keeping the running config'), 10_000, 'reload error');
    expect(failed).toMatchObject({ code: 'CONFIG_INVALID', file: app.path('nodefarm.yml'), line: 7 });
    expect(String(failed.error)).toContain('nodeProcessCountPerApplicaton');
    expect((await get(`${s.listen}/b`)).body).toMatch(/^b /);
    expect((await status(s)).apps.map((a) => [a.name, a.workers.length])).toEqual([['a', 2], ['b', 1]]);

    // An app no longer listed is retired; its path now falls through to the app on /.
    const bPid = (await get(`${s.listen}/b`)).body.split(' ')[1];
    farmYml(app, '  - name: a\n    script: a.js\n    iisnode:\n      nodeProcessCountPerApplication: 2\n');
    s.child.kill('SIGHUP');
    await waitFor(async () => (await get(`${s.listen}/b`)).body.startsWith('a '), 10_000, '/b served by a');
    expect(s.logs().filter((l) => l.message === 'configuration reloaded').at(-1)).toMatchObject({ removed: ['b'], unchanged: ['a'], recycled: [] });
    await waitFor(() => !isAlive(Number(bPid)), 10_000, 'b workers gone');
  });
});

describe('nodefarm recycle', () => {
  it('recycles one app through the admin socket and waits for the outcome', async () => {
    const app = makeAppDir();
    const script = app.write('hello.js', labelApp('v1'));
    const s = await serve([script, '--port', '0', '--nodeProcessCommandLine', process.execPath, '--socket-dir', join(app.dir, 's')], app.dir);
    const before = await waitFor(async () => {
      const r = await get(`${s.listen}/`);
      return r.status === 200 && r.body;
    }, 10_000, 'answers');
    const done = await nodefarm(['recycle', 'hello', '--admin-socket', s.adminSocket]);
    expect(done).toMatchObject({ code: 0, stderr: '' });
    expect(done.stdout).toMatch(/^recycled hello in \d+ ms; workers now: \d+\n$/);
    const after = (await get(`${s.listen}/`)).body;
    expect(after).not.toBe(before);
    expect(done.stdout).toContain(after.split(' ')[1]!);

    const missing = await nodefarm(['recycle', 'nope', '--admin-socket', s.adminSocket]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no app named 'nope'");
    expect((await nodefarm(['recycle'])).code).toBe(2);

    app.write('hello.js', "throw new Error('broken');\n");
    await new Promise((r) => setTimeout(r, 50));
    const failed = await nodefarm(['recycle', 'hello', '--admin-socket', s.adminSocket]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('the old workers keep serving');
    expect((await get(`${s.listen}/`)).status).toBe(200);
    // The file watcher may have tried (and failed) too, depending on timing.
    const table = await nodefarm(['status', '--admin-socket', s.adminSocket]);
    expect(table.stdout).toMatch(/Recycles {2}: 1 done, [12] failed; last failed: (recycle requested|watched file changed: .*?) \(a new worker exited before all listened: exited with code 1: Error: broken\)/);
  });
});
