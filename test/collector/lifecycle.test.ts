import { afterEach, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup, fixtures, httpGet, startHost, waitFor } from '../host/runtime/helpers.ts';
import { startReceiver, type Receiver } from './receiver.ts';

let receiver: Receiver | undefined;
const dirs: string[] = [];

afterEach(async () => {
  await cleanup();
  await receiver?.close();
  receiver = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const telemetry = (url: string) => ({ enabled: true, endpoint: url, scheduledDelayMs: 20, metricsIntervalMs: 60_000 });

describe('Collector worker lifecycle spans', () => {
  it('exports process.start with the cold start and process.exit with the recycle reason, uptime and requests served', async () => {
    receiver = await startReceiver();
    const dir = mkdtempSync(join(tmpdir(), 'nfc-'));
    dirs.push(dir);
    const script = join(dir, 'app.js');
    copyFileSync(join(fixtures, 'hello.cjs'), script);
    const { host, base } = await startHost([{ name: 'watched', script, settings: { watchedFiles: '*.js' } }], {
      telemetry: telemetry(receiver.url), watchFiles: true,
    });
    const r = receiver;
    const start = await waitFor(() => r.spans.find((s) => s.name === 'process.start'), 5000, 'process.start');
    const firstPid = host.apps[0]!.pool.slots[0]!.worker!.pid;
    expect(start.attrs).toMatchObject({ 'iisnode.node_pid': String(firstPid), 'iisnode.worker_pid': String(process.pid), 'nodefarm.worker.slot': '0' });
    expect(Number(start.attrs['nodefarm.worker.cold_start_ms'])).toBeGreaterThanOrEqual(0);
    expect(start.parentSpanId).toBe('');
    expect(Number(start.endNs - start.startNs) / 1e6).toBeCloseTo(Number(start.attrs['nodefarm.worker.cold_start_ms']), -1);
    await httpGet(`${base}/a`);
    await httpGet(`${base}/b`);
    const later = new Date(Date.now() + 2000);
    utimesSync(script, later, later);
    const exit = await waitFor(() => r.spans.find((s) => s.name === 'process.exit'), 10_000, 'process.exit');
    expect(exit.attrs).toMatchObject({
      'nodefarm.worker.reason': 'file-change', 'iisnode.node_pid': String(firstPid), 'nodefarm.worker.requests_served': '2',
    });
    expect(Number(exit.attrs['nodefarm.worker.uptime_ms'])).toBeGreaterThan(0);
    expect(exit.statusCode).toBe(0);
    expect(r.spans.filter((s) => s.name === 'process.start').length).toBe(2);
    await host.shutdown(2000);
    const exits = r.spans.filter((s) => s.name === 'process.exit');
    expect(exits.map((s) => s.attrs['nodefarm.worker.reason'])).toEqual(['file-change', 'shutdown']);
  });

  it('labels a manual recycle and a config reload', async () => {
    receiver = await startReceiver();
    const { host } = await startHost([{ name: 'hello', script: 'hello.cjs' }], { telemetry: telemetry(receiver.url) });
    const r = receiver;
    await waitFor(() => r.spans.some((s) => s.name === 'process.start'), 5000, 'first start');
    expect(host.recycle('hello')).toBe(true);
    await host.recyclesSettled('hello');
    await waitFor(() => r.spans.find((s) => s.name === 'process.exit'), 5000, 'exit after recycle');
    const config = { ...host.config, apps: host.config.apps.map((a) => ({ ...a, env: { ...a.env, CHANGED: '1' } })) };
    expect(host.reload(config).recycled).toEqual(['hello']);
    await host.recyclesSettled('hello');
    await waitFor(() => r.spans.filter((s) => s.name === 'process.exit').length === 2, 5000, 'exit after reload');
    expect(r.spans.filter((s) => s.name === 'process.exit').map((s) => s.attrs['nodefarm.worker.reason'])).toEqual(['recycle', 'config-reload']);
  });
});
