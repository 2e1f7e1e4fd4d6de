/**
 * Exports from OpenTelemetry SDKs nobody in this project wrote: the JS exporters (protobuf and JSON) from npm
 * and the Python OTLP/HTTP exporter from the project's virtualenv (deploy/python/requirements.txt).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import * as protoExporter from '@opentelemetry/exporter-trace-otlp-proto';
import * as httpExporter from '@opentelemetry/exporter-trace-otlp-http';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { decodeRequest } from '../../../processors/otlp/decode-request.ts';
import type { TracesRequest } from '../../../processors/otlp/types.ts';
import { projectPython } from '../../support/chdb.ts';
import { flattenSpans } from '../otlp/otlp-builders.ts';
import { readRecords, startTestGateway } from './gateway-fixture.ts';
import type { KafkaRecord, TestGateway } from './gateway-fixture.ts';

type ExporterModule = { OTLPTraceExporter: new (config: { url: string; compression?: CompressionAlgorithm }) => SpanExporter };

function spansIn(records: readonly KafkaRecord[]): ReturnType<typeof flattenSpans> {
  return records.flatMap((r) => {
    const decoded = decodeRequest('traces', 'protobuf', r.value);
    return decoded.ok ? flattenSpans(decoded.request as TracesRequest) : [];
  });
}

let gw: TestGateway | undefined;
beforeAll(async () => { gw = await startTestGateway(); });
afterAll(async () => { await gw?.stop(); });

const jsCases = [
  ['exporter-trace-otlp-proto (protobuf)', protoExporter as ExporterModule],
  ['exporter-trace-otlp-http (JSON)', httpExporter as ExporterModule],
] as const;

describe.each(jsCases)('OpenTelemetry JS %s', (name, exporterModule) => {
  // Both cases share one topic, so each looks for its own span name.
  const spanName = `js-span ${name}`;
  it('exports spans that arrive in Kafka with their ids and attributes', async () => {
    if (!gw) throw new Error('gateway did not start');
    const before = gw.gateway.stats().producer.producedRecords;
    for (const compression of [CompressionAlgorithm.NONE, CompressionAlgorithm.GZIP]) {
      const exporter = new exporterModule.OTLPTraceExporter({ url: `${gw.url}/v1/traces`, compression });
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': `js-client-${compression}` }),
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      const span = provider.getTracer('nodefarm-test').startSpan(spanName, { attributes: { 'http.route': '/x', attempt: 3 } });
      span.end();
      await provider.forceFlush();
      await provider.shutdown();
    }
    expect(gw.gateway.stats().producer.producedRecords).toBe(before + 2);
    const spans = spansIn(await readRecords(gw.topics.spans, before + 2)).filter((s) => s.name === spanName);
    expect(spans.map((s) => s.service).sort()).toEqual(['js-client-gzip', 'js-client-none']);
    for (const s of spans) expect(s.attributes).toMatchObject({ 'http.route': '/x', attempt: '3' });
  });
});

describe('OpenTelemetry Python exporter-otlp-proto-http', () => {
  it('exports a parent and child span that arrive in Kafka under one trace id key', async () => {
    if (!gw) throw new Error('gateway did not start');
    const script = [
      'import sys',
      'from opentelemetry.sdk.trace import TracerProvider',
      'from opentelemetry.sdk.trace.export import SimpleSpanProcessor',
      'from opentelemetry.sdk.resources import Resource',
      'from opentelemetry.exporter.otlp.proto.http import Compression',
      'from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter',
      'p = TracerProvider(resource=Resource.create({"service.name": "py-client"}))',
      'p.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=sys.argv[1], compression=Compression.Gzip)))',
      't = p.get_tracer("nodefarm-test")',
      'with t.start_as_current_span("py-parent", attributes={"k": "v", "n": 7}) as s:',
      '    with t.start_as_current_span("py-child"):',
      '        pass',
      'p.shutdown()',
      'print(format(s.get_span_context().trace_id, "032x"))',
    ].join('\n');
    // Asynchronous on purpose: the gateway under test runs in this process and must keep answering.
    const out = await promisify(execFile)(projectPython(), ['-c', script, `${gw.url}/v1/traces`], { encoding: 'utf8', timeout: 30000 });
    const traceId = out.stdout.trim();
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const records = (await readRecords(gw.topics.spans, gw.gateway.stats().producer.producedRecords)).filter((r) => r.key === traceId);
    const spans = spansIn(records);
    expect(spans.map((s) => s.name).sort()).toEqual(['py-child', 'py-parent']);
    expect(new Set(records.map((r) => r.partition)).size).toBe(1);
    expect(spans.find((s) => s.name === 'py-parent')?.attributes).toEqual({ k: 'v', n: '7' });
  });
});
