/**
 * The benchmark's host: `nodefarm serve <app.js> --port N` with telemetry switched by TELEMETRY=on|off and
 * configured from the standard OTEL_* variables. On SIGTERM it shuts down and writes the collector's counters
 * and its own CPU time as JSON to $STATS_FILE (when set).
 *   TELEMETRY=on OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 node bench/collector/serve.ts app.js 9005
 */
import { writeFileSync } from 'node:fs';
import { loadFarmConfig, parseServeArgs } from '../../host/config/index.ts';
import { createHost } from '../../host/index.ts';

const [script, port] = process.argv.slice(2);
if (!script || !port) {
  process.stderr.write('usage: serve.ts <app.js> <port>\n');
  process.exit(2);
}
const config = loadFarmConfig(parseServeArgs([script, '--port', port, '--nodeProcessCountPerApplication', process.env.WORKERS ?? '2']));
const on = process.env.TELEMETRY === 'on';
const host = createHost({
  config, workerOutput: 'ignore', telemetryEnv: process.env,
  telemetry: { enabled: on, samplingRatio: Number(process.env.SAMPLING ?? 1) },
});
await host.start();
process.once('SIGTERM', () => {
  void (async () => {
    await host.shutdown(5000);
    const cpu = process.cpuUsage();
    if (process.env.STATS_FILE) {
      writeFileSync(process.env.STATS_FILE, JSON.stringify({ telemetry: on, cpuUs: cpu.user + cpu.system, ...host.collector.stats() }));
    }
    process.exit(0);
  })();
});
