import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogFolder } from '../../../host/logs/log-folder.ts';
import { purgePlan } from '../../../host/logs/purge-plan.ts';
import { escapeHtml, parseLogFileName, renderIndexHtml, safeServerName } from '../../../host/logs/index.ts';
import { indexLinks, listFolder } from './helpers.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nodefarm-logfolder-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a file of `size` bytes whose modification time is `age` seconds in the past. */
function plant(file: string, size: number, age: number): void {
  writeFileSync(join(dir, file), Buffer.alloc(size, 0x61));
  const t = Date.now() / 1000 - age;
  utimesSync(join(dir, file), t, t);
}

describe('LogFolder', () => {
  it('deletes the oldest files until both the file count and the total size fit', async () => {
    for (let i = 0; i < 6; i++) plant(`srv-10-stdout-${1000 + i}.txt`, 1000, 100 - i);
    plant('notes.txt', 10, 200); // iisnode counts every file of the folder, not only logs
    const folder = new LogFolder(dir, 3500, 4, () => {});
    await folder.maintain();
    expect(listFolder(dir)).toEqual(['index.html', 'srv-10-stdout-1003.txt', 'srv-10-stdout-1004.txt', 'srv-10-stdout-1005.txt']);
    expect(folder.stats).toMatchObject({ filesPurged: 4, errors: 0 });
  });

  it('never deletes a file that is being written', async () => {
    plant('srv-10-stdout-1.txt', 5000, 100);
    plant('srv-11-stdout-2.txt', 5000, 50);
    const folder = new LogFolder(dir, 1000, 1, () => {});
    folder.active.add('srv-10-stdout-1.txt');
    await folder.maintain();
    expect(listFolder(dir)).toEqual(['index.html', 'srv-10-stdout-1.txt']);
  });

  it('lists exactly the regular log files in index.html, not symlinks, folders, dot files or other files', async () => {
    plant('srv-10-stdout-1.txt', 1, 10);
    plant('srv-10-stderr-2.txt', 1, 5);
    plant('.srv-10-stdout-3.txt', 1, 5);
    plant('readme.txt', 1, 5);
    mkdirSync(join(dir, 'srv-10-stdout-4.txt'));
    symlinkSync('/etc/passwd', join(dir, 'srv-10-stdout-5.txt'));
    await new LogFolder(dir, 1e9, 100, () => {}).maintain();
    expect(indexLinks(dir)).toEqual(['srv-10-stderr-2.txt', 'srv-10-stdout-1.txt']);
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).toMatch(/<tr class="stderr">.*srv-10-stderr-2\.txt.*\n<tr>.*srv-10-stdout-1\.txt/);
  });

  it('creates the folder recursively and merges maintenance requests made while a run is going on', async () => {
    const deep = join(dir, 'a', 'b', 'logs');
    const folder = new LogFolder(deep, 1e9, 100, () => {});
    await Promise.all([folder.ensure(), folder.ensure()]);
    writeFileSync(join(deep, 'srv-1-stdout-1.txt'), 'x');
    await Promise.all(Array.from({ length: 10 }, () => folder.maintain()));
    expect(folder.stats.indexWrites).toBeLessThanOrEqual(2);
    expect(indexLinks(deep)).toEqual(['srv-1-stdout-1.txt']);
  });

  it('reports a folder it cannot write instead of throwing', async () => {
    writeFileSync(join(dir, 'file'), '');
    const problems: string[] = [];
    const folder = new LogFolder(join(dir, 'file', 'logs'), 1e9, 100, (what, err) => problems.push(`${what}:${err.code}`));
    await expect(folder.ensure()).rejects.toMatchObject({ code: 'ENOTDIR' });
    await folder.maintain();
    expect(problems).toEqual(['scan:ENOTDIR']);
  });
});

describe('purgePlan', () => {
  it('deletes nothing when the folder is within both limits', () => {
    expect(purgePlan([{ file: 'a', size: 10, mtimeMs: 1 }], 10, 1, new Set())).toEqual([]);
  });
});

describe('Log file names and index.html', () => {
  it('parses server names with dashes and rejects other names', () => {
    expect(parseLogFileName('web-01-4242-stderr-1700000000000.txt')).toEqual({
      file: 'web-01-4242-stderr-1700000000000.txt', server: 'web-01', pid: 4242, type: 'stderr', created: 1700000000000,
    });
    for (const name of ['index.html', '4242-stdout-1.txt', 'srv-1-stdin-1.txt', 'srv-1-stdout-1.txt.bak', '.x-1-stdout-1.txt']) {
      expect(parseLogFileName(name)).toBeUndefined();
    }
  });

  it('makes any server name safe for a file name', () => {
    expect(safeServerName('web 01/../x')).toBe('web_01_.._x');
    expect(safeServerName('..hidden')).toBe('_hidden');
    expect(safeServerName('')).toBe('localhost');
  });

  it('escapes names in index.html and links them relatively', () => {
    const html = renderIndexHtml([{ file: '<b>&"x\'-1-stdout-5.txt', server: '<b>&"x\'', pid: 1, type: 'stdout', created: 5 }], new Date(0));
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;b&gt;&amp;&quot;x&#39;');
    expect(html).toContain('href="%3Cb%3E%26%22x&#39;-1-stdout-5.txt"');
    expect(escapeHtml('<&>')).toBe('&lt;&amp;&gt;');
  });
});
