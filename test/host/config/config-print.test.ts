import { execFile } from 'node:child_process';
import path from 'node:path';
import { createTempApp, type TempApp } from './temp-app.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const node = path.join(root, 'node_modules/.bin/node');
const bin = path.join(root, 'bin/nodefarm.js');
const testdata = path.join(import.meta.dirname, 'testdata');

interface CliResult { code: number; stdout: string; stderr: string }

/** Runs the real `nodefarm` command with the pinned Node, without the caller's IISNODE_* variables. */
function nodefarm(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('IISNODE_')));
  return new Promise((resolve) => {
    execFile(node, [bin, ...args], { cwd, env: { ...clean, ...env }, timeout: 20000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('nodefarm config print', () => {
  let app: TempApp;
  beforeEach(() => { app = createTempApp(); });
  afterEach(() => app.remove());

  it('prints each effective value with its source: default, file:line, env, flag, derived', async () => {
    app.write('iisnode.yml', '# overrides\nnodeProcessCountPerApplication: 0\nfoo: bar\n');
    const out = await nodefarm(['config', 'print', 'server.js', '--debugHeaderEnabled', 'true'], app.dir, { IISNODE_maxLogFiles: '3' });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const row = (name: string): string => out.stdout.split('\n').find((l) => l.trimStart().startsWith(`${name} `))!.trim();
    expect(row('loggingEnabled')).toMatch(/^loggingEnabled +true +default$/);
    expect(row('maxConcurrentRequestsPerProcess')).toMatch(/ Infinite +default$/);
    expect(row('maxLogFiles')).toMatch(/ 3 +env IISNODE_maxLogFiles$/);
    expect(row('debugHeaderEnabled')).toMatch(/ true +flag --debugHeaderEnabled$/);
    expect(row('nodeProcessCountPerApplication')).toMatch(/derived: 0 \(.*iisnode\.yml:2\) = one worker per CPU/);
    expect(out.stdout).toContain('app server');
    expect(out.stdout).toMatch(/warnings\n {2}iisnode\.yml:3: unknown setting 'foo' ignored/);
  });

  it('prints JSON with Infinite spelled out and file sources with lines', async () => {
    const out = await nodefarm(['config', 'print', '--config', path.join(testdata, 'farm/nodefarm.yml'), '--json'], app.dir);
    expect(out.code).toBe(0);
    const config = JSON.parse(out.stdout) as {
      host: { port: number; farmName: string };
      apps: { name: string; settings: Record<string, unknown>; sources: Record<string, unknown> }[];
    };
    expect(config.host).toMatchObject({ port: 8080, farmName: 'shop' });
    expect(config.apps.map((a) => a.name)).toEqual(['api', 'app']);
    expect(config.apps[0]!.settings.maxConcurrentRequestsPerProcess).toBe('Infinite');
    expect(config.apps[1]!.sources.dispatchPolicy).toEqual({ kind: 'file', file: path.join(testdata, 'farm/nodefarm.yml'), line: 27 });
  });

  it('prints the message and hint and exits 1 on a bad iisnode.yml', async () => {
    app.write('iisnode.yml', 'loggingEnabled: foobar\n');
    const out = await nodefarm(['config', 'print', 'server.js'], app.dir);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toBe(
      `nodefarm: ${app.dir}/iisnode.yml:1: loggingEnabled: invalid value 'foobar': expected true, false, 1, 0, yes or no\n` +
      '  hint: Fix the value in that file; `nodefarm config print` shows each effective setting and where it came from.\n',
    );
  });

  it('exits 1 with usage for an unknown config command', async () => {
    const out = await nodefarm(['config', 'show'], app.dir);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("unknown config command 'show'");
  });
});
