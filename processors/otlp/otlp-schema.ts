import path from 'node:path';
import protobuf from 'protobufjs';

/**
 * The OTLP message types, loaded once from the project's own `.proto` files (proto/). Field names are the
 * lowerCamelCase form protobufjs derives, which is also the OTLP/JSON key spelling.
 */
export interface OtlpSchema {
  readonly ExportTraceServiceRequest: protobuf.Type;
  readonly ExportTraceServiceResponse: protobuf.Type;
  readonly ExportMetricsServiceRequest: protobuf.Type;
  readonly ExportMetricsServiceResponse: protobuf.Type;
  readonly ResourceSpans: protobuf.Type;
  readonly ResourceMetrics: protobuf.Type;
  readonly Span: protobuf.Type;
  readonly Resource: protobuf.Type;
  readonly Status: protobuf.Type;
}

let cached: OtlpSchema | undefined;

/** The schema; parsed on first use (a few milliseconds) and shared afterwards. */
export function otlpSchema(): OtlpSchema {
  if (cached) return cached;
  const dir = path.join(import.meta.dirname, 'proto');
  const root = protobuf.loadSync(
    ['collector-trace.proto', 'collector-metrics.proto', 'status.proto'].map((f) => path.join(dir, f)),
  );
  const t = (name: string): protobuf.Type => root.lookupType(name);
  cached = {
    ExportTraceServiceRequest: t('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    ExportTraceServiceResponse: t('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
    ExportMetricsServiceRequest: t('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest'),
    ExportMetricsServiceResponse: t('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse'),
    ResourceSpans: t('opentelemetry.proto.trace.v1.ResourceSpans'),
    ResourceMetrics: t('opentelemetry.proto.metrics.v1.ResourceMetrics'),
    Span: t('opentelemetry.proto.trace.v1.Span'),
    Resource: t('opentelemetry.proto.resource.v1.Resource'),
    Status: t('google.rpc.Status'),
  };
  return cached;
}
