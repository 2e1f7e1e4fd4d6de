import { decodeJsonRequest } from './decode-json.ts';
import { otlpSchema } from './otlp-schema.ts';
import type { MetricsRequest, Signal, TracesRequest } from './types.ts';

/** How an export request body is encoded. */
export type OtlpFormat = 'protobuf' | 'json';

/** The decoded request type of each signal. */
export interface SignalRequest {
  traces: TracesRequest;
  metrics: MetricsRequest;
}

/** A decoded request, or why the body is not one (an expected outcome: the gateway answers 400). */
export type DecodeResult<T> = { readonly ok: true; readonly request: T } | { readonly ok: false; readonly message: string };

/**
 * Decodes an OTLP export request (protobuf or OTLP/JSON) for one signal. Never throws: malformed bodies,
 * wrong types and excessive nesting come back as `{ ok: false, message }`.
 */
export function decodeRequest<S extends Signal>(signal: S, format: OtlpFormat, body: Uint8Array): DecodeResult<SignalRequest[S]> {
  const schema = otlpSchema();
  const type = signal === 'traces' ? schema.ExportTraceServiceRequest : schema.ExportMetricsServiceRequest;
  try {
    const message = format === 'protobuf' ? type.decode(body) : decodeJsonRequest(type, signal, body);
    return { ok: true, request: message as unknown as SignalRequest[S] };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const what = format === 'protobuf' ? 'protobuf' : 'OTLP/JSON';
    return { ok: false, message: `the body is not a valid ${what} export ${signal} request: ${reason}` };
  }
}
