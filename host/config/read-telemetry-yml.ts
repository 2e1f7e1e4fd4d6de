import type { CollectorInput } from '../../collector/config.ts';
import type { Entry, YamlReader } from './yaml-reader.ts';

/** The `telemetry:` keys of nodefarm.yml and their value types (see docs/telemetry.md). */
const KEYS = {
  enabled: 'boolean', endpoint: 'text', tracesUrl: 'text', metricsUrl: 'text', protocol: 'text', compression: 'text',
  headers: 'map', samplingRatio: 'number', parentBased: 'boolean', environment: 'text', instanceId: 'text',
  workerPreload: 'boolean', metricsIntervalMs: 'number', maxQueueSize: 'number', maxExportBatchSize: 'number',
  scheduledDelayMs: 'number', exportTimeoutMs: 'number',
} as const;

/** A `telemetry:` section, shape-checked (values are validated with the collector's own rules later). */
export interface TelemetryYml {
  readonly line: number;
  readonly input: CollectorInput;
}

/** Reads the top-level `telemetry:` mapping; unknown keys and wrong types are errors at their line. */
export function readTelemetryYml(r: YamlReader, entry: Entry): TelemetryYml {
  const input: Record<string, unknown> = {};
  for (const e of r.entries(entry.node, 'telemetry', entry.line, Object.keys(KEYS))) {
    const name = e.key.slice('telemetry.'.length) as keyof typeof KEYS;
    const kind = KEYS[name];
    if (kind === 'map') {
      const headers: Record<string, string> = {};
      for (const h of r.entries(e.node, e.key, e.line, null)) headers[h.key.slice(e.key.length + 1)] = r.text(h) ?? '';
      input.headers = headers;
      continue;
    }
    const text = r.text(e);
    if (text === undefined) continue;
    if (kind === 'boolean') {
      if (text !== 'true' && text !== 'false') throw r.error(e.line, e.key, `invalid value '${text}': expected true or false`, text);
      input[name] = text === 'true';
    } else if (kind === 'number') {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n)) throw r.error(e.line, e.key, `invalid value '${text}': expected a number`, text);
      input[name] = n;
    } else if (name === 'compression') {
      if (text !== 'gzip' && text !== 'none') throw r.error(e.line, e.key, `invalid value '${text}': expected gzip or none`, text);
      input.gzip = text === 'gzip';
    } else input[name] = text;
  }
  return { line: entry.line, input: input as CollectorInput };
}
