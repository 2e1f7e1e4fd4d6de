import { spawn } from 'node:child_process';
import path from 'node:path';
import { clickhouseExecutor } from './engines.ts';
import { clickhouseUrl, uniqueName } from '../../support/services.ts';

const cli = path.resolve(import.meta.dirname, '../../../processors/migrate/cli.ts');

/** Runs `nodefarm migrate` the way bin/nodefarm.js does: import the module, call run(args), exit with its code. */
function migrate(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e',
      'const m = await import(process.argv[1]); process.exitCode = await m.run(process.argv.slice(2));', cli, ...args],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('nodefarm migrate', () => {
  const database = uniqueName('nf_cli');

  afterAll(async () => {
    const ex = clickhouseExecutor(database);
    await ex.command(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
    await ex.close();
  });

  it('migrates the database named in the environment and reports what it did', async () => {
    const res = await migrate(['--json'], { NODEFARM_CLICKHOUSE_URL: clickhouseUrl(), NODEFARM_CLICKHOUSE_DATABASE: database });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout) as { database: string; applied: string[]; skipped: string[] };
    expect(report.database).toBe(database);
    expect(report.applied).toContain('0001_spans');
    expect(report.skipped).toContain('0011_overlay_otel_traces_view');
  });

  it('lists each migration state with --status and drops old partitions with --retention-days', async () => {
    const status = await migrate(['--url', clickhouseUrl(), '--database', database, '--status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/applied\s+0001_spans/);
    expect(status.stdout).toMatch(/skipped\s+0007_overlay_low_cardinality \(requires 22\.8\)/);
    const again = await migrate(['--url', clickhouseUrl(), '--database', database, '--retention-days', '7']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/applied 0, already applied 6, skipped 6/);
    expect(again.stdout).toMatch(/retention: dropped 0 partition/);
  });

  it('exits 1 with the cause and a hint when ClickHouse is unreachable', async () => {
    const res = await migrate(['--url', 'http://127.0.0.1:1', '--database', database]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/cannot reach ClickHouse at http:\/\/127\.0\.0\.1:1/);
    expect(res.stderr).toMatch(/^hint: /m);
  });

  it('exits 2 on a bad flag or value', async () => {
    expect((await migrate(['--nope'])).code).toBe(2);
    const bad = await migrate(['--database', 'no-dashes']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/database is invalid/);
  });
});
