import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createLogCapture, parseLogFileName } from '../../../host/logs/index.ts';
import { TailBuffer } from '../../../host/logs/tail-buffer.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nodefarm-logwrite-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const logsIn = (d: string): string[] => readdirSync(d).filter((f) => parseLogFileName(f)).sort();

describe('LogCapture', () => {
  it('drops output beyond maxBufferedBytes, counts it and leaves a notice where it was lost', async () => {
    const capture = createLogCapture({
      enabled: true, dir, serverName: 'srv', maxFileSize: 1 << 20, maxTotalSize: 1 << 24, maxFiles: 10,
      tailBytes: 1024, maxBufferedBytes: 4096, keepExitedTails: 1,
    });
    const stdout = new PassThrough();
    capture.attach({ pid: 7, stdout, stderr: null });
    // Written in one go, faster than any disk: the first 4 KB wait, the rest cannot.
    for (let i = 0; i < 8; i++) stdout.write(Buffer.alloc(1024, 0x61 + i));
    while (capture.stats().bytesWritten < 4096) await new Promise((r) => setTimeout(r, 5));
    stdout.end('after\n');
    await new Promise((r) => stdout.once('end', r));
    await capture.close();
    const [file] = logsIn(dir);
    const text = readFileSync(join(dir, file!), 'utf8');
    expect(capture.stats()).toMatchObject({ chunksDropped: 4, bytesDropped: 4096, bytesWritten: text.length, writeErrors: 0 });
    expect(text).toBe(`${'a'.repeat(1024)}${'b'.repeat(1024)}${'c'.repeat(1024)}${'d'.repeat(1024)}`
      + '\n[nodefarm] 4096 bytes of output were dropped here: the log folder did not keep up.\nafter\n');
  });

  it('keeps the stderr tails of the most recently exited workers only', async () => {
    const capture = createLogCapture({
      enabled: false, dir, serverName: 'srv', maxFileSize: 1024, maxTotalSize: 4096, maxFiles: 10, keepExitedTails: 2,
    });
    for (const pid of [1, 2, 3]) {
      const stderr = new PassThrough();
      capture.attach({ pid, stdout: null, stderr });
      stderr.end(`bye from ${pid}\n`);
      await new Promise((r) => stderr.once('end', r));
    }
    const live = new PassThrough();
    capture.attach({ pid: 4, stdout: null, stderr: live });
    live.write('still here\n');
    await new Promise((r) => setImmediate(r));
    expect(capture.stderrTails()).toEqual([
      { pid: 4, exited: false, text: 'still here\n' },
      { pid: 3, exited: true, text: 'bye from 3\n' },
      { pid: 2, exited: true, text: 'bye from 2\n' },
    ]);
    expect(capture.stderrTail(1)).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
    live.end();
  });
});

describe('TailBuffer', () => {
  it('keeps exactly the last bytes across chunk boundaries', () => {
    const tail = new TailBuffer(10);
    for (const s of ['0123', '4567', '89ab', 'cd']) tail.push(Buffer.from(s));
    expect(tail.text()).toBe('456789abcd');
    tail.push(Buffer.from('ABCDEFGHIJKLMNOP'));
    expect(tail.text()).toBe('GHIJKLMNOP');
    expect(tail.size).toBe(10);
  });
});
