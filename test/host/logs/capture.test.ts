import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { httpGet, waitFor } from '../runtime/helpers.ts';
import { cleanup, indexLinks, listFolder, logFiles, readText, startLoggingApp } from './helpers.ts';

afterEach(cleanup);

describe('Log capture', () => {
  it('writes the stdout of 5 requests to one log file plus index.html (iisnode test 105)', async () => {
    const { base, appDir, host } = await startLoggingApp();
    const dir = join(appDir, 'iisnode');
    for (let i = 1; i <= 5; i++) expect((await httpGet(`${base}/`)).body).toBe(`Request${i}`);
    const expected = 'Request1\nRequest2\nRequest3\nRequest4\nRequest5\n';
    await waitFor(() => logFiles(dir).length === 1 && readText(dir, logFiles(dir)[0]!.file) === expected, 5000, 'five lines');
    const [log] = logFiles(dir);
    expect(log).toMatchObject({ pid: host.apps[0]!.pool.slots[0]!.worker!.pid, type: 'stdout' });
    await waitFor(() => indexLinks(dir).length === 1, 5000, 'index.html');
    expect(listFolder(dir)).toEqual(['index.html', log!.file].sort());
    expect(indexLinks(dir)).toEqual([log!.file]);
  });

  it('rolls over to a new file once a file is larger than maxLogFileSizeInKB (iisnode test 110)', async () => {
    const { base, appDir } = await startLoggingApp({ maxLogFileSizeInKB: 1 });
    const dir = join(appDir, 'iisnode');
    await httpGet(`${base}/kb`);
    await waitFor(() => logFiles(dir).length === 1, 5000, 'first file');
    await httpGet(`${base}/kb`);
    await waitFor(() => logFiles(dir).length === 2, 5000, 'second file');
    await waitFor(() => indexLinks(dir).length === 2, 5000, 'both files in index.html');
    expect(listFolder(dir)).toEqual(['index.html', ...indexLinks(dir)].sort());
    for (const f of logFiles(dir)) expect(readText(dir, f.file)).toBe(`${'x'.repeat(1024)}\n`);
  });

  it('writes nothing when loggingEnabled is false and still keeps the stderr tail (iisnode test 111)', async () => {
    const { base, appDir, host } = await startLoggingApp({ loggingEnabled: false });
    for (let i = 1; i <= 5; i++) expect((await httpGet(`${base}/`)).body).toBe(`Request${i}`);
    await httpGet(`${base}/stderr?kb=1`);
    const pid = host.apps[0]!.pool.slots[0]!.worker!.pid;
    await waitFor(() => host.apps[0]!.pool.logs!.stderrTail(pid)?.includes('END-OF-STDERR'), 5000, 'stderr tail');
    expect(existsSync(join(appDir, 'iisnode'))).toBe(false);
    expect(listFolder(appDir)).toEqual(['server.cjs']);
  });

  it('captures writes that bypass process.stdout and the stack of an uncaught exception', async () => {
    const { base, appDir, host } = await startLoggingApp();
    const dir = join(appDir, 'iisnode');
    const pid = Number((await httpGet(`${base}/native`)).headers['x-worker-pid']);
    await httpGet(`${base}/throw`);
    const stderrLog = (): string | undefined => {
      const f = logFiles(dir).find((l) => l.pid === pid && l.type === 'stderr');
      return f && readText(dir, f.file);
    };
    await waitFor(() => stderrLog()?.includes('boom from the worker'), 5000, 'stack in the stderr log');
    const stderr = stderrLog()!;
    expect(stderr).toContain('native stderr line\n');
    expect(stderr).toMatch(/Error: boom from the worker\n\s+at /);
    const stdout = logFiles(dir).find((l) => l.pid === pid && l.type === 'stdout')!;
    expect(readText(dir, stdout.file)).toBe('native stdout line\n');
    // The exited worker's tail stays available after it is gone.
    await waitFor(() => host.apps[0]!.pool.logs!.stderrTails().find((t) => t.pid === pid && t.exited), 5000, 'exited tail');
    expect(host.apps[0]!.pool.logs!.stderrTail(pid)).toContain('boom from the worker');
  });

  it('keeps only the last 64 KB of a worker\'s stderr in memory', async () => {
    const { base, host } = await startLoggingApp({ maxLogFileSizeInKB: 4096, maxTotalLogFileSizeInKB: 8192 });
    const pid = Number((await httpGet(`${base}/stderr?kb=200`)).headers['x-worker-pid']);
    const logs = host.apps[0]!.pool.logs!;
    await waitFor(() => logs.stderrTail(pid)?.endsWith('END-OF-STDERR\n'), 5000, 'end marker');
    const tail = logs.stderrTail(pid)!;
    expect(Buffer.byteLength(tail)).toBe(64 * 1024);
    // Lines are 64 bytes: the tail is exactly the last 1023 numbered lines plus the marker.
    expect(tail.split('\n').at(-3)).toBe(String(200 * 16 - 1).padStart(63, '.'));
    expect(logs.stats()).toMatchObject({ bytesDropped: 0, writeErrors: 0 });
  });
});
