import { afterEach, describe, expect, it } from '@jest/globals';
import { rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { createFileWatcher, parseWatchedFiles, type WatchChange, type FileWatcher } from '../../../host/watch/index.ts';
import { waitFor } from '../runtime/helpers.ts';
import { makeAppDir, onCleanup, runCleanups } from './helpers.ts';

afterEach(runCleanups);

/** A watcher whose reports are collected, closed after the test. */
function watch(dir: string, watchedFiles: string, extra: { forcePolling?: boolean; pollInterval?: number } = {}) {
  const reports: (readonly WatchChange[])[] = [];
  const notices: string[] = [];
  const watcher: FileWatcher = createFileWatcher({
    watchedFiles, baseDir: dir, pollInterval: extra.pollInterval ?? 5000, debounce: 50, forcePolling: extra.forcePolling,
    onChange: (changes) => reports.push(changes),
    onNotice: (n) => notices.push(`${n.kind}: ${n.text}`),
  });
  onCleanup(() => watcher.close());
  const seen = (): string[] => reports.flat().map((c) => `${c.entry.text} ${c.kind}`);
  return { watcher, reports, notices, seen };
}

describe('parseWatchedFiles', () => {
  it('splits on ; relative to the script folder, with wildcards only in the file-name part', () => {
    const { entries, ignored } = parseWatchedFiles('*.js; iisnode.yml;;node_modules\\*.js;lib/a?.json;web.config;x*/y.js', '/srv/app');
    expect(entries.map((e) => [e.folder, e.name, e.pattern !== null])).toEqual([
      ['/srv/app', '*.js', true],
      ['/srv/app', 'iisnode.yml', false],
      ['/srv/app/node_modules', '*.js', true],
      ['/srv/app/lib', 'a?.json', true],
    ]);
    expect(ignored.map((n) => n.text)).toEqual(['web.config', 'x*/y.js']);
    const pattern = entries[3]!.pattern!;
    expect(['a1.json', 'ab.json'].every((n) => pattern.test(n))).toBe(true);
    expect(['a.json', 'a12.json', 'A1.json', 'a1xjson'].some((n) => pattern.test(n))).toBe(false);
  });
});

describe('FileWatcher', () => {
  it('reports a changed file once for a burst of writes (one editor save is several events)', async () => {
    const app = makeAppDir();
    app.write('hello.js', 'v1');
    const w = watch(app.dir, '*.js');
    for (let i = 0; i < 5; i++) app.write('hello.js', `v1 edit ${i}`);
    await waitFor(() => w.reports.length > 0, 5000, 'a report');
    await new Promise((r) => setTimeout(r, 300));
    expect(w.reports).toHaveLength(1);
    expect(w.seen()).toEqual(['*.js changed']);
  });

  it('counts a file replaced by rename, a missing file created, and a file deleted', async () => {
    const app = makeAppDir();
    app.write('a.json', '{}');
    const w = watch(app.dir, 'a.json;later.json');
    app.write('a.json', '{}', true);
    await waitFor(() => w.seen().includes('a.json changed'), 5000, 'replace');
    app.write('later.json', '{}');
    await waitFor(() => w.seen().includes('later.json created'), 5000, 'create');
    rmSync(app.path('a.json'));
    await waitFor(() => w.seen().includes('a.json deleted'), 5000, 'delete');
  });

  it('watches a sub-folder entry (node_modules/*.js) but not deeper folders, and ignores unrelated files', async () => {
    const app = makeAppDir();
    app.write('node_modules/part.js', 'one');
    app.write('node_modules/deep/inner.js', 'one');
    const w = watch(app.dir, '*.js;node_modules\\*.js');
    app.write('readme.txt', 'noise');
    app.write('node_modules/deep/inner.js', 'two');
    await new Promise((r) => setTimeout(r, 300));
    expect(w.reports).toEqual([]);
    app.write('node_modules/part.js', 'two');
    await waitFor(() => w.seen().includes('node_modules\\*.js changed'), 5000, 'part.js change');
    app.write('node_modules/new.js', 'x');
    await waitFor(() => w.seen().filter((s) => s === 'node_modules\\*.js changed').length === 2, 5000, 'new match');
    const mtime = new Date(Date.now() - 60_000);
    utimesSync(app.path('node_modules/new.js'), mtime, mtime);
    await waitFor(() => w.seen().filter((s) => s === 'node_modules\\*.js changed').length === 3, 5000, 'touch');
  });

  it('ignores an entry whose folder does not exist (iisnode test 121)', async () => {
    const app = makeAppDir();
    app.write('hello.js', 'x');
    const w = watch(app.dir, 'idontexist\\*;*.js');
    expect(w.watcher.folders).toEqual([app.dir]);
    expect(w.notices).toEqual(['missing-folder: idontexist\\*']);
    app.write('hello.js', 'y');
    await waitFor(() => w.seen().includes('*.js changed'), 5000, 'the other entry still works');
  });

  it('finds changes by polling where notifications are not used', async () => {
    const app = makeAppDir();
    app.write('hello.js', 'x');
    const w = watch(app.dir, '*.js', { forcePolling: true, pollInterval: 100 });
    expect(w.notices).toEqual([`polling: ${join(app.dir)}`]);
    app.write('hello.js', 'changed');
    await waitFor(() => w.seen().includes('*.js changed'), 5000, 'polled change');
  });
});
