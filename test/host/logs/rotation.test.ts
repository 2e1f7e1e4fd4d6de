import { statSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { httpGet, waitFor } from '../runtime/helpers.ts';
import { cleanup, indexLinks, listFolder, logFiles, startLoggingApp } from './helpers.ts';

afterEach(cleanup);

const KB = 1024;
// A file may pass its limit by the last pipe read written into it (at most 64 KB on Linux).
const PIPE_READ = 64 * KB;

describe('Log rotation', () => {
  it('holds file size, total size and file count while a worker writes 10 MB, and the host stays responsive', async () => {
    const limits = { maxLogFileSizeInKB: 256, maxTotalLogFileSizeInKB: 1024, maxLogFiles: 5 };
    const { base, appDir, host } = await startLoggingApp(limits);
    const dir = join(appDir, 'iisnode');
    const logs = host.apps[0]!.pool.logs!;
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    let maxCount = 0;
    let slowest = 0;
    expect((await httpGet(`${base}/flood?mb=10`)).body).toBe('flooding');
    await waitFor(async () => {
      maxCount = Math.max(maxCount, logFiles(dir).length);
      const started = Date.now();
      expect((await httpGet(`${base}/`)).status).toBe(200);
      slowest = Math.max(slowest, Date.now() - started);
      const s = logs.stats();
      return s.bytesWritten + s.bytesDropped >= 10 * 1024 * KB;
    }, 30_000, '10 MB captured');
    delay.disable();
    await host.shutdown(2000); // flushes the capture and runs the last purge

    const stats = logs.stats();
    const files = logFiles(dir);
    const sizes = files.map((f) => statSync(join(dir, f.file)).size);
    expect(files.length).toBeLessThanOrEqual(limits.maxLogFiles);
    // In a burst, files are created while a purge runs; it catches up when that run ends. A writer that has
    // created maxLogFiles files since the running purge scanned waits for it, so at any moment the folder holds
    // what the last finished purge kept, what was created after that purge's scan, and what was created after the
    // running one's: at most three times maxLogFiles, however slow the disk.
    expect(maxCount).toBeLessThanOrEqual(limits.maxLogFiles * 3);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(limits.maxLogFileSizeInKB * KB + PIPE_READ);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(limits.maxTotalLogFileSizeInKB * KB);
    // Every byte is either in a file (then rolled over and purged) or counted as dropped: the disk path may
    // be slower than the pipe, and at most maxBufferedBytes may wait for it.
    expect(stats.bytesWritten + stats.bytesDropped).toBeGreaterThanOrEqual(10 * 1024 * KB);
    expect(stats.filesCreated).toBeGreaterThanOrEqual(stats.bytesWritten / ((limits.maxLogFileSizeInKB + 64) * KB));
    expect(stats.filesPurged).toBe(stats.filesCreated - files.length);
    expect(indexLinks(dir)).toEqual(files.map((f) => f.file).sort());
    expect(listFolder(dir)).toEqual(['index.html', ...indexLinks(dir)].sort());
    expect(slowest).toBeLessThan(1000);
    expect(delay.max / 1e6).toBeLessThan(500);
  });
});
