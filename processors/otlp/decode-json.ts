import type protobuf from 'protobufjs';
import { hexToBytes } from './hex.ts';
import type { Signal } from './types.ts';

/**
 * OTLP/JSON differs from the protobuf JSON mapping that protobufjs implements in one way that matters here:
 * trace and span ids are hex strings, not base64. Everything else (lowerCamelCase keys, integer enums,
 * 64-bit integers as strings or numbers, unknown fields ignored, base64 `bytesValue`) `Type.fromObject`
 * already accepts, so the decoder rewrites the id fields to bytes and hands over.
 */

/** An id that is not valid hex becomes this one-byte value, which no id check accepts (never a crash). */
const INVALID_ID = Uint8Array.of(0);

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

type Json = unknown;
type JsonObject = Record<string, Json>;

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function eachObject(list: Json, visit: (item: JsonObject) => void): void {
  if (Array.isArray(list)) for (const item of list) if (isObject(item)) visit(item);
}

function convertIds(holder: JsonObject, keys: readonly string[]): void {
  for (const key of keys) {
    const value = holder[key];
    if (value === undefined || value === null) continue;
    holder[key] = typeof value === 'string' ? (hexToBytes(value) ?? INVALID_ID) : INVALID_ID;
  }
}

function convertTraceIds(root: JsonObject): void {
  eachObject(root.resourceSpans, (rs) => eachObject(rs.scopeSpans, (ss) => eachObject(ss.spans, (span) => {
    convertIds(span, ['traceId', 'spanId', 'parentSpanId']);
    eachObject(span.links, (link) => convertIds(link, ['traceId', 'spanId']));
  })));
}

function convertMetricIds(root: JsonObject): void {
  eachObject(root.resourceMetrics, (rm) => eachObject(rm.scopeMetrics, (sm) => eachObject(sm.metrics, (metric) => {
    for (const kind of ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary']) {
      const data = metric[kind];
      if (isObject(data)) {
        eachObject(data.dataPoints, (dp) => eachObject(dp.exemplars, (ex) => convertIds(ex, ['traceId', 'spanId'])));
      }
    }
  })));
}

/**
 * JSON numbers beyond 2^53 lose precision in `JSON.parse`; OTLP timestamps are such numbers when a client
 * sends them unquoted. The reviver keeps the source text of those integers, which `fromObject` reads exactly.
 */
function keepBigIntegers(this: unknown, _key: string, value: Json, context?: { source?: string }): Json {
  if (typeof value === 'number' && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source)) {
    return context.source;
  }
  return value;
}

/** Decodes an OTLP/JSON export request body into a protobufjs message; throws on malformed input. */
export function decodeJsonRequest(type: protobuf.Type, signal: Signal, body: Uint8Array): protobuf.Message {
  const text = body.length === 0 ? '{}' : utf8.decode(body);
  const parsed: Json = JSON.parse(text, keepBigIntegers as (key: string, value: Json) => Json);
  if (!isObject(parsed)) throw new TypeError('the request body must be a JSON object');
  if (signal === 'traces') convertTraceIds(parsed);
  else convertMetricIds(parsed);
  return type.fromObject(parsed);
}
