import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseIngestOptions } from '../../../processors/ingest/cli-options.ts';
import { createIngester, mergeIngestConfig } from '../../../processors/ingest/index.ts';
import { createSpanWindow } from '../../../processors/ingest/span-window.ts';
import { backoffMs } from '../../../processors/ingest/backoff.ts';
import { clickhouseUrl, kafkaBrokers, uniqueName } from '../../support/services.ts';

const cli = path.resolve(import.meta.dirname, '../../../processors/ingest/cli.ts');

function ingest(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', '--input-type=module', '-e',
      'const m = await import(process.argv[1]); process.exitCode = await m.run(process.argv.slice(2));', cli, ...args],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('nodefarm ingest options', () => {
  it('lists every flag with its environment variable on --help and exits 0', async () => {
    const res = await ingest(['--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('--group-id');
    expect(res.stdout).toContain('NODEFARM_INGEST_MAX_BATCH_ROWS');
    expect(res.stdout).toContain('NODEFARM_CLICKHOUSE_URL');
  });

  it('exits 2 naming an unknown flag, and naming every invalid value at once', async () => {
    const unknown = await ingest(['--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--bogus'");
    const bad = await ingest(['--max-batch-rows', 'many', '--clickhouse-url=ftp://x', '--brokers', 'nohost']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('batching.maxBatchRows is invalid');
    expect(bad.stderr).toContain('clickhouse.url is invalid');
    expect(bad.stderr).toContain('kafka.brokers is invalid');
    expect(bad.stderr).toContain('hint:');
  });

  it('exits 1 and points to `nodefarm migrate` when the schema is missing', async () => {
    const res = await ingest(['--brokers', kafkaBrokers().join(','), '--clickhouse-url', clickhouseUrl(),
      '--database', uniqueName('nf_missing'), '--no-create-topics']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('lacks the nodefarm schema');
    expect(res.stderr).toContain('nodefarm migrate');
  });

  it('reads flags over NODEFARM_INGEST_* over the shared NODEFARM_CLICKHOUSE_* variables', () => {
    const env = {
      NODEFARM_CLICKHOUSE_URL: 'http://shared:8123', NODEFARM_CLICKHOUSE_DATABASE: 'shared_db', NODEFARM_CLICKHOUSE_PASSWORD: 'pw',
      NODEFARM_INGEST_DATABASE: 'ingest_db', NODEFARM_INGEST_GROUP_ID: 'env-group', NODEFARM_INGEST_FROM_BEGINNING: 'no',
    };
    const parsed = parseIngestOptions(['--group-id=flag-group', '--max-batch-rows', '500'], env);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const config = mergeIngestConfig(parsed.input);
    expect(config.clickhouse).toMatchObject({ url: 'http://shared:8123', database: 'ingest_db', password: 'pw', username: 'default' });
    expect(config.groupId).toBe('flag-group');
    expect(config.fromBeginning).toBe(false);
    expect(config.batching.maxBatchRows).toBe(500);
    expect(config.batching.flushIntervalMs).toBe(1000);
  });

  it('rejects a buffer smaller than a batch when created from code', () => {
    expect(() => createIngester({ batching: { maxBatchRows: 1000, maxBufferRows: 10 } })).toThrow(/batching.maxBufferRows is invalid/);
  });
});

describe('Span window', () => {
  it('forgets keys beyond its size and its age', () => {
    let now = 1_000_000;
    const w = createSpanWindow(60_000, 3, () => now);
    for (const k of ['a', 'b', 'c', 'd']) w.add(k);
    expect(['a', 'b', 'c', 'd'].map((k) => w.has(k))).toEqual([false, true, true, true]);
    now += 61_000;
    expect(w.has('d')).toBe(false);
    w.add('e');
    expect(w.size).toBe(1);
  });
});

describe('Retry backoff', () => {
  it('grows exponentially with jitter and stays under its cap', () => {
    expect(backoffMs(1, 100, 1000, () => 0)).toBe(50);
    expect(backoffMs(1, 100, 1000, () => 1)).toBe(100);
    expect(backoffMs(3, 100, 1000, () => 1)).toBe(400);
    expect(backoffMs(30, 100, 1000, () => 1)).toBe(1000);
    expect(backoffMs(30, 100, 1000, () => 0)).toBe(500);
  });
});
