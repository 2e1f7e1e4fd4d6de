import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFarmConfigFile } from '../../host/config/index.ts';
import { isNodefarmError } from '../../host/errors.ts';
import { createHost } from '../../host/index.ts';
import { createCollector, resolveCollectorOptions } from '../../collector/index.ts';

const loaderOptions = { env: {}, cwd: process.cwd(), cpuCount: 2, hostname: 'test-host', socketDir: '/run/nodefarm-test', requirePort: false };

/** Writes a nodefarm.yml (and its app) into a temp folder and loads it. */
function loadYml(telemetry: string): ReturnType<typeof loadFarmConfigFile> {
  const dir = mkdtempSync(join(tmpdir(), 'nfc-yml-'));
  try {
    writeFileSync(join(dir, 'app.js'), '');
    writeFileSync(join(dir, 'nodefarm.yml'), `farmName: f\n${telemetry}\napps:\n  - script: app.js\n`);
    return loadFarmConfigFile(join(dir, 'nodefarm.yml'), loaderOptions);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const noApps = { farmName: 'f', serverName: 's', apps: () => [] };

describe('Collector options', () => {
  it('is off by default and reads the standard OTEL_* variables below explicit options', () => {
    const d = resolveCollectorOptions();
    expect(d.ok && d.options).toMatchObject({ enabled: false, protocol: 'http/protobuf', gzip: false, samplingRatio: 1 });
    const r = resolveCollectorOptions({ enabled: true, samplingRatio: 0.5 }, {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc,x-tenant=t1',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '500',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=staging,team=web',
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.options).toMatchObject({
      enabled: true, tracesUrl: 'http://collector:4318/v1/traces', metricsUrl: 'http://collector:4318/v1/metrics',
      protocol: 'http/json', gzip: true, headers: { authorization: 'Bearer abc', 'x-tenant': 't1' },
      samplingRatio: 0.5, parentBased: true, maxQueueSize: 100, maxExportBatchSize: 100, environment: 'staging',
      resourceAttributes: { team: 'web' },
    });
  });

  it('reports every invalid value at once', () => {
    const r = resolveCollectorOptions({ samplingRatio: 2, protocol: 'grpc' as never, endpoint: 'ftp://x' }, {
      OTEL_BSP_MAX_QUEUE_SIZE: 'lots', OTEL_TRACES_SAMPLER: 'jaeger_remote',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.join('\n')).toMatch(/OTEL_BSP_MAX_QUEUE_SIZE[\s\S]*OTEL_TRACES_SAMPLER[\s\S]*tracesUrl[\s\S]*protocol[\s\S]*samplingRatio/);
    try {
      createCollector(noApps, { enabled: true, samplingRatio: -1 });
      throw new Error('expected a throw');
    } catch (err) {
      expect(isNodefarmError(err) && err.code).toBe('HOST_TELEMETRY_INVALID');
    }
  });

  it('lets OTEL_SDK_DISABLED switch telemetry off whatever the options say', () => {
    const off = createCollector(noApps, { enabled: true }, { OTEL_SDK_DISABLED: 'true' });
    expect(off.options.enabled).toBe(false);
    expect(off.traceHeaders).toBeUndefined();
    expect(off.workerEnv('a', undefined)).toBeUndefined();
  });

  it('reads a telemetry section of nodefarm.yml, which the host then uses', () => {
    const config = loadYml([
      'telemetry:', '  enabled: true', '  endpoint: http://gateway:4318', '  compression: gzip', '  samplingRatio: 0.25',
      '  workerPreload: true', '  headers:', '    authorization: Bearer abc',
    ].join('\n'));
    expect(config.host.telemetry).toEqual({
      enabled: true, endpoint: 'http://gateway:4318', gzip: true, samplingRatio: 0.25, workerPreload: true,
      headers: { authorization: 'Bearer abc' },
    });
    const host = createHost({ config });
    expect(host.collector.options).toMatchObject({
      enabled: true, tracesUrl: 'http://gateway:4318/v1/traces', gzip: true, samplingRatio: 0.25, workerPreload: true,
    });
    expect(host.collector.traceHeaders).toBeDefined();
  });

  it('rejects a bad telemetry value in nodefarm.yml with its line', () => {
    const err = (() => {
      try {
        loadYml('telemetry:\n  enabled: yes please');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(isNodefarmError(err) && err.code).toBe('CONFIG_INVALID');
    expect((err as Error).message).toMatch(/:3: telemetry\.enabled: invalid value 'yes please': expected true or false/);
    expect(() => loadYml('telemetry:\n  samplingRatio: 3')).toThrow(/:2: telemetry: samplingRatio: expected a number from 0 to 1/);
    expect(() => loadYml('telemetry:\n  sampling: 1')).toThrow(/unknown key 'sampling'/);
  });
});
