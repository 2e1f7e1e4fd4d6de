/**
 * The collector alone, without a host or workers: publishes synthetic finished requests on the host's
 * `nodefarm:request` channel (with the trace header hook run first, as the proxy does) and reports the CPU
 * per request and per span, and the longest synchronous stretch. Exports go to bench/collector/sink.ts,
 * started as a child process so its CPU is not counted.
 *   node bench/collector/micro.ts [requests] [rate]     (defaults 50000 10000 requests/s; SAMPLING env as in run.sh,
 *   TELEMETRY=off for the harness's own cost, to subtract)
 * The requests are offered at `rate` in 1 ms steps, like a busy host (6000 requests/s in run.sh), so exports
 * run at their real pace; the CPU counted includes the idle event loop between steps (a few %).
 */
import { spawn } from 'node:child_process';
import { channel } from 'node:diagnostics_channel';
import { connect } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AppRuntime } from '../../host/server/app-runtime.ts';
import type { ForwardOutcome } from '../../host/proxy/outcome.ts';
import { createCollector } from '../../collector/index.ts';

const total = Number(process.argv[2] ?? 50_000);
const rate = Number(process.argv[3] ?? 10_000);
const sinkPort = Number(process.env.SINK_PORT ?? 9017);
const sink = spawn(process.execPath, [path.join(import.meta.dirname, 'sink.ts'), String(sinkPort)], { stdio: 'inherit' });
for (let i = 0; i < 100; i++) {
  const up = await new Promise<boolean>((resolve) => {
    const s = connect(sinkPort, '127.0.0.1', () => { s.destroy(); resolve(true); }).on('error', () => resolve(false));
  });
  if (up) break;
  await new Promise((r) => setTimeout(r, 50));
}

const worker = { id: 'w1', pid: 4242, active: 1 };
const runtime = {
  app: { name: 'bench', settings: { flushResponse: false } },
  pool: { slots: [{ worker }, { worker: { id: 'w2', pid: 4243, active: 0 } }], restarts: 0 },
  dispatcher: { stats: () => ({ queueLength: 0 }) },
} as unknown as AppRuntime;
const collector = createCollector({ farmName: 'farm', serverName: 'bench', apps: () => [runtime] }, {
  enabled: process.env.TELEMETRY !== 'off', endpoint: `http://127.0.0.1:${sinkPort}`, samplingRatio: Number(process.env.SAMPLING ?? 1),
});
collector.start();
const requests = channel('nodefarm:request');
const hook = collector.traceHeaders;

function one(): void {
  const req = {
    method: 'GET', url: '/items/42?x=1', httpVersion: '1.1',
    headers: { host: '127.0.0.1:9015', 'user-agent': 'wrk' },
    socket: { remoteAddress: '127.0.0.1', remotePort: 50000, localPort: 9015 },
  };
  const receivedAt = performance.now();
  hook?.(req as never);
  const now = performance.now();
  const outcome: ForwardOutcome = {
    status: 200, substatus: 0, hostError: false, truncated: false, clientAborted: false, errno: undefined, retries: 0,
    pooled: true, reconnected: false, connectMs: 0.002, totalMs: 0.35, workerPid: 4242, bytesIn: 0, bytesOut: 12,
    startedAt: now - 0.35, headersMs: 0.3, retryWaits: undefined, retryErrnos: undefined, chunks: 1, flushes: 1,
  };
  requests.publish({ app: 'bench', workerId: 'w1', upgrade: false, req, outcome, receivedAt });
}

// Warm-up (JIT), then the measured run.
for (let i = 0; i < 20_000; i++) one();
await new Promise((r) => setTimeout(r, 200));
const s0 = collector.stats();
const before = process.cpuUsage();
const started = performance.now();
let longest = 0;
let over1ms = 0;
let inline = 0;
for (let done = 0; done < total;) {
  const t = performance.now();
  const due = Math.min(total, Math.ceil((t - started) * rate / 1000));
  const c0 = process.cpuUsage();
  for (; done < due; done++) one();
  const c1 = process.cpuUsage(c0);
  inline += c1.user + c1.system;
  const took = performance.now() - t;
  longest = Math.max(longest, took);
  if (took > 1) over1ms++;
  await new Promise((r) => setTimeout(r, 1));
}
const cpu = process.cpuUsage(before);
const wall = performance.now() - started;
const s1 = collector.stats();
await collector.shutdown(5000);
const s = collector.stats();
const spans = (s1.accepted - s0.accepted) / total || 1;
const us = (cpu.user + cpu.system) / total;
console.log(`requests ${total}  spans/req ${spans.toFixed(2)}  CPU ${us.toFixed(2)} us/req = ${(us / spans).toFixed(2)} us/span ` +
  `(user ${(cpu.user / total).toFixed(2)}, sys ${(cpu.system / total).toFixed(2)}; in the request loop ${(inline / total).toFixed(2)})  wall ${(wall * 1000 / total).toFixed(2)} us/req  ` +
  `longest step ${longest.toFixed(2)} ms, steps over 1 ms ${over1ms}  exported ${s.exported} dropped ${s.droppedQueueFull + s.droppedExportFailed} ` +
  `(queued at end ${s1.queued})`);
sink.kill('SIGTERM');
