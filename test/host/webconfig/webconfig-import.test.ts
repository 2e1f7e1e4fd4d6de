import { afterEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFarmConfigFile, parseIisnodeYml } from '../../../host/config/index.ts';
import { convertWebConfig, importWebConfig, readXml } from '../../../host/config/web-config/index.ts';

const repo = join(import.meta.dirname, '../../..');
const bin = join(repo, 'bin/nodefarm.js');
const samples = join(import.meta.dirname, 'samples');
const dirs: string[] = [];

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A temp site folder holding the sample as web.config plus the given scripts. */
function site(sample: string, scripts: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'nfw-'));
  dirs.push(dir);
  copyFileSync(join(samples, sample), join(dir, 'web.config'));
  for (const s of scripts) writeFileSync(join(dir, s), "require('node:http').createServer((q, r) => r.end('ok')).listen(process.env.PORT);\n");
  return dir;
}

const fixedEnv = { env: {} };

describe('web.config import', () => {
  it('turns an Azure-style web.config into a nodefarm.yml that loads, reporting what IIS features it left out', () => {
    const dir = site('azure-express.web.config', ['server.js']);
    const result = convertWebConfig({ webConfig: join(dir, 'web.config'), ...fixedEnv });
    if (!result.ok) throw new Error(result.problem);
    expect(result.outFile).toBe(join(dir, 'nodefarm.yml'));
    const farm = loadFarmConfigFile(result.outFile, { env: {}, requirePort: false, socketDir: '/tmp/x' });
    const app = farm.apps[0]!;
    expect(app).toMatchObject({ name: 'server', script: join(dir, 'server.js') });
    expect(app.env).toEqual({ API_URL: 'https://api.example.com/v1?a=1&b=2', FEATURE_FLAGS: '' });
    expect(app.settings).toMatchObject({
      nodeProcessCountPerApplication: 2, maxConcurrentRequestsPerProcess: 1024, watchedFiles: 'web.config;*.js;routes\\*.js',
      loggingEnabled: false, logDirectory: 'logs/iisnode', gracefulShutdownTimeout: 30000, recycleSignalEnabled: true,
      enableXFF: true, nodeProcessCommandLine: 'node', interceptor: '',
    });
    const unmapped = result.unmapped.map((u) => u.what);
    expect(unmapped).toEqual(expect.arrayContaining([
      '<iisnode nodeProcessCommandLine=""%programfiles%\\nodejs\\node.exe"">',
      '<iisnode interceptor=""%programfiles%\\iisnode\\interceptor.js"">',
      '<iisnode idlePageOutTimePeriod="0">',
      '<system.webServer><security>',
      '<system.webServer><httpErrors>',
      '<rewrite> rule "NodeInspector"',
      '<rewrite> rule "StaticContent"',
    ]));
    expect(result.unmapped.find((u) => u.what === '<rewrite> rule "StaticContent"')).toMatchObject({ line: 26 });
    const mapped = result.imported.mapped.map((m) => m.what);
    expect(mapped).toEqual(expect.arrayContaining(['<rewrite> rule "DynamicContent"', '<webSocket>', '<iisnode node_env="%node_env%">']));
    // The written file says what was not imported, as comments.
    expect(readFileSync(result.outFile, 'utf8')).toContain('#   line 26: <rewrite> rule "StaticContent": Rewrite to public{REQUEST_URI}');
  });

  it('applies appSettings clear/remove, skips an empty key, keeps an empty value, and reports bad attributes (iisnode tests 108, 116)', () => {
    const parsed = importWebConfig(readFileSync(join(samples, 'appsettings.web.config'), 'utf8'));
    if (!parsed.ok) throw new Error(parsed.problem);
    const r = parsed.result;
    expect(r.script).toBe('hello.js');
    expect(r.env.map((v) => [v.key, v.value])).toEqual([['key1', 'value1'], ['key2', 'value2'], ['EMPTY', '']]);
    expect(r.settings).toEqual([]);
    const notes = Object.fromEntries(r.unmapped.map((u) => [u.what, u.note]));
    expect(notes['<iisnode nodeProcessCountPerApplication="two">']).toMatch(/^value refused: /);
    expect(notes['<iisnode foo="bar">']).toContain('not an iisnode setting');
    expect(notes['<iisnode asyncCompletionThreadCount="4">']).toContain('no meaning on Linux');
    expect(notes['<appSettings><add key="">']).toContain('empty key');
    expect(notes['<handlers><add name="other" path="other.js">']).toContain('a second iisnode script');
    expect(notes['<handlers><add name="StaticFile" path="*">']).toContain("module 'StaticFileModule'");
    expect(notes['<system.web>']).toContain('not used by iisnode');
  });

  it('writes iisnode.yml lines for the settings iisnode.yml can hold and reports the rest', () => {
    const dir = site('azure-express.web.config', ['server.js']);
    const result = convertWebConfig({ webConfig: join(dir, 'web.config'), format: 'iisnode-yml', ...fixedEnv });
    if (!result.ok) throw new Error(result.problem);
    const text = readFileSync(join(dir, 'iisnode.yml'), 'utf8');
    expect(text).toContain('nodeProcessCountPerApplication: 2\n');
    expect(text).toContain('watchedFiles: web.config;*.js;routes\\*.js\n');
    expect(parseIisnodeYml(text, 'iisnode.yml', {}).assignments).toHaveLength(10);
    expect(result.unmapped.map((u) => u.what)).toEqual(expect.arrayContaining(['appSettings API_URL']));
  });

  it('writes nothing when the result does not load (missing script) or the output exists without --force', () => {
    const dir = site('azure-express.web.config', []);
    const missing = convertWebConfig({ webConfig: join(dir, 'web.config'), ...fixedEnv });
    expect(missing.ok).toBe(false);
    expect(!missing.ok && missing.problem).toContain('server.js does not exist');
    expect(readdirSync(dir)).toEqual(['web.config']);

    writeFileSync(join(dir, 'server.js'), '');
    writeFileSync(join(dir, 'nodefarm.yml'), 'keep me');
    const exists = convertWebConfig({ webConfig: join(dir, 'web.config'), ...fixedEnv });
    expect(!exists.ok && exists.problem).toContain('pass --force');
    expect(readFileSync(join(dir, 'nodefarm.yml'), 'utf8')).toBe('keep me');
    expect(convertWebConfig({ webConfig: join(dir, 'web.config'), force: true, ...fixedEnv }).ok).toBe(true);
  });

  it('takes the script from a rewrite rule or the default document when there is no handler mapping', () => {
    const viaRewrite = importWebConfig(`<configuration><system.webServer><rewrite><rules>
      <rule name="app"><match url="/*" /><action type="Rewrite" url="app/main.js" /></rule>
      <rule name="old"><action type="Redirect" url="https://example.com/" /></rule>
    </rules></rewrite></system.webServer></configuration>`);
    expect(viaRewrite.ok && viaRewrite.result.script).toBe('app/main.js');
    expect(viaRewrite.ok && viaRewrite.result.unmapped[0]!.note).toContain('redirects to https://example.com/');
    const viaDefault = importWebConfig('<configuration><system.webServer><defaultDocument><files><add value="index.js"/></files></defaultDocument></system.webServer></configuration>');
    expect(viaDefault.ok && viaDefault.result.script).toBe('index.js');
  });
});

describe('XML reader', () => {
  it('decodes entities and character references, skips comments, CDATA and the XML declaration', () => {
    const r = readXml('\uFEFF<?xml version="1.0"?>\n<!-- c --><a x="1 &lt; 2 &amp; &#65;&#x42;" y=\'q"\'>\n<![CDATA[<not/>]]><b/>text &gt;<c></c></a>');
    if (!r.ok) throw new Error(r.problem);
    expect(r.root.attributes).toEqual([{ name: 'x', value: '1 < 2 & AB', line: 2 }, { name: 'y', value: 'q"', line: 2 }]);
    expect(r.root.children.map((c) => [c.name, c.line])).toEqual([['b', 3], ['c', 3]]);
  });

  it('refuses DOCTYPE (entity expansion), unknown entities and broken nesting, naming the line', () => {
    const bomb = '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>\n<configuration a="&lol2;"/>';
    expect(readXml(bomb)).toEqual({ ok: false, line: 2, problem: 'DOCTYPE declarations are not accepted (no entity definitions)' });
    expect(readXml('<a x="&nbsp;"/>')).toMatchObject({ ok: false, problem: 'unknown entity &nbsp;' });
    expect(readXml('<a>\n<b>\n</a>')).toMatchObject({ ok: false, line: 3, problem: '</a> closes <b> (line 2)' });
    expect(readXml('<a x=1/>')).toMatchObject({ ok: false, problem: "value of attribute 'x' must be quoted" });
    expect(readXml('<a x="1" x="2"/>')).toMatchObject({ ok: false, problem: "attribute 'x' repeated in <a>" });
    expect(readXml(`${'<a>'.repeat(100)}${'</a>'.repeat(100)}`)).toMatchObject({ ok: false, problem: 'elements nested deeper than 64' });
    expect(importWebConfig('<settings/>')).toMatchObject({ ok: false, problem: 'the root element is <settings>, expected <configuration>' });
  });
});

describe('nodefarm import-webconfig', () => {
  it('writes the file and prints what was mapped and what was not', async () => {
    const dir = site('azure-express.web.config', ['server.js']);
    const out = join(dir, 'conf', 'farm.yml');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'conf'));
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [bin, 'import-webconfig', join(dir, 'web.config'), '--out', out], { cwd: dir }, (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
      });
    });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^wrote .*farm\.yml: 10 setting\(s\), 2 environment variable\(s\), script server\.js\n/);
    expect(run.stdout).toContain('not mapped (');
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out, 'utf8')).toContain('script: ../server.js');
    expect(loadFarmConfigFile(out, { env: {}, requirePort: false }).apps[0]!.script).toBe(join(dir, 'server.js'));
  });
});
