/**
 * OTLP messages for nodefarm: the project's own `.proto` schema (proto/), protobuf and OTLP/JSON request
 * decoding, and the encoders the gateway uses for Kafka records and HTTP answers.
 */
export { otlpSchema } from './otlp-schema.ts';
export type { OtlpSchema } from './otlp-schema.ts';
export { decodeRequest } from './decode-request.ts';
export type { DecodeResult, OtlpFormat, SignalRequest } from './decode-request.ts';
export {
  encodeTracesRequest, encodeMetricsRequest, encodeExportResponse, exportResponseJson, encodeStatus, statusJson,
} from './encode.ts';
export type { PartialSuccess } from './encode.ts';
export { bytesToHex, hexToBytes } from './hex.ts';
export { int64ToBigInt } from './int64.ts';
export * from './types.ts';
