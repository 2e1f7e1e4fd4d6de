import { otlpSchema } from './otlp-schema.ts';
import type { ResourceMetrics, ResourceSpans, Signal } from './types.ts';

/** Encodes a self-contained ExportTraceServiceRequest holding the given resource batches. */
export function encodeTracesRequest(resourceSpans: readonly ResourceSpans[]): Uint8Array {
  return otlpSchema().ExportTraceServiceRequest.encode({ resourceSpans }).finish();
}

/** Encodes a self-contained ExportMetricsServiceRequest holding the given resource batches. */
export function encodeMetricsRequest(resourceMetrics: readonly ResourceMetrics[]): Uint8Array {
  return otlpSchema().ExportMetricsServiceRequest.encode({ resourceMetrics }).finish();
}

/** What an export answer reports: nothing on full success, else the rejected count and why. */
export interface PartialSuccess {
  readonly rejected: number;
  readonly errorMessage: string;
}

/**
 * The export response in protobuf. Full success (no rejections, no message) leaves `partial_success` unset,
 * as the OTLP specification asks.
 */
export function encodeExportResponse(signal: Signal, partial: PartialSuccess | undefined): Uint8Array {
  const schema = otlpSchema();
  if (signal === 'traces') {
    const body = partial ? { partialSuccess: { rejectedSpans: partial.rejected, errorMessage: partial.errorMessage } } : {};
    return schema.ExportTraceServiceResponse.encode(body).finish();
  }
  const body = partial ? { partialSuccess: { rejectedDataPoints: partial.rejected, errorMessage: partial.errorMessage } } : {};
  return schema.ExportMetricsServiceResponse.encode(body).finish();
}

/** The export response in OTLP/JSON (int64 counts as strings, per the protobuf JSON mapping). */
export function exportResponseJson(signal: Signal, partial: PartialSuccess | undefined): string {
  if (!partial) return '{}';
  const countKey = signal === 'traces' ? 'rejectedSpans' : 'rejectedDataPoints';
  return JSON.stringify({ partialSuccess: { [countKey]: String(partial.rejected), errorMessage: partial.errorMessage } });
}

/** A google.rpc.Status error body in protobuf. */
export function encodeStatus(code: number, message: string): Uint8Array {
  return otlpSchema().Status.encode({ code, message }).finish();
}

/** A google.rpc.Status error body in JSON. */
export function statusJson(code: number, message: string): string {
  return JSON.stringify({ code, message, details: [] });
}
