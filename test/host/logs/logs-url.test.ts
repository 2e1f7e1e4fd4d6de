import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpGet, waitFor } from '../runtime/helpers.ts';
import { cleanup, indexLinks, listFolder, logFiles, startLoggingApp } from './helpers.ts';
import { rawRequest } from '../runtime/helpers.ts';

afterEach(cleanup);

describe('Logs URL', () => {
  it('serves index.html and the log files read-only with their content types', async () => {
    const { base, appDir } = await startLoggingApp({ logsPathSegment: 'logs' });
    const dir = join(appDir, 'iisnode');
    await httpGet(`${base}/`);
    await waitFor(() => indexLinks(dir).length === 1, 5000, 'one log file indexed');
    const [log] = logFiles(dir);

    const index = await httpGet(`${base}/logs/`);
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.body).toContain(`<a href="${log!.file}">`);
    expect((await httpGet(`${base}/logs/index.html`)).body).toBe(index.body);

    const file = await httpGet(`${base}/logs/${log!.file}`);
    expect(file).toMatchObject({ status: 200, body: 'Request1\n' });
    expect(file.headers).toMatchObject({ 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
    const head = await httpGet(`${base}/logs/${log!.file}`, {}, 'HEAD');
    expect(head).toMatchObject({ status: 200, body: '' });
    expect(head.headers['content-length']).toBe('9');

    expect(await rawRequest(base, '/logs')).toMatchObject({ status: 301, headers: { location: '/logs/' } });
    const post = await rawRequest(base, '/logs/index.html', {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    // Paths beside the segment still reach the app.
    expect((await httpGet(`${base}/logsx`)).body).toBe('Request2');
  });

  it('refuses path traversal, encoded dots, absolute paths, symlinks, NUL bytes and other files', async () => {
    const { base, appDir } = await startLoggingApp({ logsPathSegment: 'logs' });
    const dir = join(appDir, 'iisnode');
    await httpGet(`${base}/`);
    await waitFor(() => indexLinks(dir).length === 1, 5000, 'log folder');
    const [log] = logFiles(dir);
    writeFileSync(join(appDir, 'secret.txt'), 'secret');
    writeFileSync(join(dir, 'notes.txt'), 'not a log');
    writeFileSync(join(dir, '.hidden-1-stdout-1.txt'), 'hidden');
    mkdirSync(join(dir, 'sub-1-stdout-2.txt'));
    symlinkSync(join(appDir, 'secret.txt'), join(dir, 'link-1-stdout-3.txt'));
    symlinkSync('/etc/passwd', join(dir, 'passwd-1-stdout-4.txt'));

    const cases: [string, number][] = [
      ['/logs/../secret.txt', 404],
      ['/logs/../server.cjs', 404],
      ['/logs/..', 404],
      ['/logs/%2e%2e/secret.txt', 404],
      ['/logs/%2e%2e', 404],
      ['/logs/%2E%2E%2Fsecret.txt', 404],
      ['/logs/..%2fsecret.txt', 404],
      ['/logs/..%5csecret.txt', 404],
      ['/logs//etc/passwd', 404],
      ['/logs/%2fetc%2fpasswd', 404],
      ['/logs/sub-1-stdout-2.txt/', 404],
      ['/logs/sub-1-stdout-2.txt', 404],
      ['/logs/link-1-stdout-3.txt', 404],
      ['/logs/passwd-1-stdout-4.txt', 404],
      ['/logs/notes.txt', 404],
      ['/logs/.hidden-1-stdout-1.txt', 404],
      ['/logs/index.html%00', 400],
      ['/logs/%00', 400],
      ['/logs/%E0%A4%A', 400],
    ];
    for (const [path, status] of cases) {
      const reply = await rawRequest(base, path);
      expect({ path, status: reply.status }).toEqual({ path, status });
      expect(reply.body).not.toContain('secret');
      expect(reply.body).not.toContain('root:');
    }
    expect((await rawRequest(base, `/logs/${log!.file}`)).status).toBe(200);
  });

  it('answers 404 for the logs URL when loggingEnabled is false (iisnode test 111)', async () => {
    const { base, appDir } = await startLoggingApp({ logsPathSegment: 'iisnode', loggingEnabled: false });
    await httpGet(`${base}/`);
    expect((await httpGet(`${base}/iisnode/index.html`)).status).toBe(404);
    expect((await httpGet(`${base}/iisnode/`)).status).toBe(404);
    expect((await httpGet(`${base}/iisnode`)).status).toBe(404);
    expect(listFolder(appDir)).toEqual(['server.cjs']);
  });

  it('does not serve logs unless logsPathSegment is set', async () => {
    const { base, appDir } = await startLoggingApp();
    await httpGet(`${base}/`);
    await waitFor(() => indexLinks(join(appDir, 'iisnode')).length === 1, 5000, 'log folder');
    expect((await httpGet(`${base}/iisnode/index.html`)).body).toBe('Request2');
  });
});
