import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isNodefarmError } from '../../../host/errors.ts';
import { parseGatewayOptions } from '../../../processors/gateway/cli-options.ts';
import { createGateway, gatewayDefaults } from '../../../processors/gateway/index.ts';
import { closedPort, request } from './gateway-fixture.ts';

describe('Gateway config', () => {
  it('uses the documented defaults', () => {
    expect(gatewayDefaults).toMatchObject({
      listenAddress: '127.0.0.1', port: 4318, authToken: undefined,
      limits: { maxBodyBytes: 16 * 1024 * 1024, maxAttributeValueBytes: 16384, maxMessageBytes: 1_000_000 },
      kafka: { topics: { spans: 'otlp_spans', metrics: 'otlp_metrics', deadLetter: 'otlp_dead_letter' }, partitions: 3, idempotent: true },
    });
  });

  it('refuses invalid options with every problem named in one GATEWAY_CONFIG_INVALID error', () => {
    let caught: unknown;
    try {
      createGateway({ port: 70000, kafka: { partitions: 0, brokers: ['no-port'] }, limits: { maxBodyBytes: 1 } });
    } catch (err) {
      caught = err;
    }
    expect(isNodefarmError(caught) && caught.code).toBe('GATEWAY_CONFIG_INVALID');
    const message = (caught as Error).message;
    expect(message).toContain('port is invalid, expected an integer from 0 to 65535, actual 70000');
    expect(message).toContain('kafka.partitions is invalid');
    expect(message).toContain('kafka.brokers is invalid, expected one or more host:port, actual ["no-port"]');
    expect(message).toContain('limits.maxBodyBytes is invalid');
  });

  it('takes flags over NODEFARM_GATEWAY_* variables', () => {
    const env = { NODEFARM_GATEWAY_PORT: '5000', NODEFARM_GATEWAY_BROKERS: 'a:1, b:2', NODEFARM_GATEWAY_PARTITIONS: '6', NODEFARM_GATEWAY_AUTH_TOKEN: 'from-env-token' };
    const parsed = parseGatewayOptions(['--port', '6000', '--spans-topic=s1', '--no-create-topics', '--max-body-bytes', '2048'], env);
    expect(parsed).toEqual({
      ok: true, help: false,
      input: {
        port: 6000, authToken: 'from-env-token', limits: { maxBodyBytes: 2048 },
        kafka: { brokers: ['a:1', 'b:2'], partitions: 6, createTopics: false, topics: { spans: 's1' } },
      },
    });
  });

  it('reads the bearer token from a file and reports unknown options and bad numbers', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-config-'));
    try {
      const file = path.join(dir, 'token');
      writeFileSync(file, 'file-token-123\n');
      expect(parseGatewayOptions(['--auth-token-file', file], {})).toMatchObject({ ok: true, input: { authToken: 'file-token-123' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(parseGatewayOptions(['--bogus'], {})).toEqual({ ok: false, problem: "unknown option '--bogus'" });
    const parsed = parseGatewayOptions(['--port', 'abc'], {});
    expect(() => createGateway((parsed as { input: object }).input)).toThrow(/port is invalid, expected an integer from 0 to 65535, actual "abc"/);
  });
});

describe('nodefarm gateway (CLI)', () => {
  const cli = pathToFileURL(path.join(import.meta.dirname, '../../../processors/gateway/cli.ts')).href;
  const launcher = 'const m = await import(process.argv[1]); process.exitCode = await m.run(process.argv.slice(2));';

  function start(args: string[]): { child: ReturnType<typeof spawn>; stderr: () => string; exit: Promise<number | null> } {
    const child = spawn(process.execPath, ['--input-type=module', '-e', launcher, cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (c: Buffer) => { err += c.toString(); });
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, stderr: () => err, exit };
  }

  it('serves /healthz without Kafka and exits 0 on SIGTERM', async () => {
    const kafkaPort = await closedPort();
    const run = start(['--port', '0', '--brokers', `127.0.0.1:${kafkaPort}`, '--kafka-retries', '0']);
    try {
      const until = Date.now() + 15000;
      let port: number | undefined;
      while (!port && Date.now() < until) {
        const m = /"message":"gateway listening".*?"port":(\d+)/.exec(run.stderr());
        if (m) port = Number(m[1]);
        else await new Promise((r) => setTimeout(r, 50));
      }
      expect(port).toBeDefined();
      expect((await request(`http://127.0.0.1:${port}/healthz`, { method: 'GET' })).status).toBe(200);
      run.child.kill('SIGTERM');
      expect(await run.exit).toBe(0);
      expect(run.stderr()).toContain('"message":"gateway stopped"');
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('exits 2 with the problem and a hint for a bad option', async () => {
    const run = start(['--port', 'abc']);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toMatch(/port is invalid.*\n\s+hint: /);
  });
});
