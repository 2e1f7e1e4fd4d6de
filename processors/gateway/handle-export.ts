import type { IncomingMessage } from 'node:http';
import type { BatchingProducer, OutgoingRecord } from '../kafka/batching-producer.ts';
import type { LogSink } from '../kafka/log-sink.ts';
import { decodeRequest } from '../otlp/decode-request.ts';
import type { OtlpFormat } from '../otlp/decode-request.ts';
import { encodeExportResponse, exportResponseJson } from '../otlp/encode.ts';
import type { MetricsRequest, Signal, TracesRequest } from '../otlp/types.ts';
import type { Admission } from './admission.ts';
import type { GatewayConfig } from './config.ts';
import { filterMetrics } from './filter-metrics.ts';
import { filterSpans } from './filter-spans.ts';
import type { ExportCounters } from './export-counters.ts';
import { itemRules, RejectionTally } from './item-rules.ts';
import { metricsToRecords } from './metrics-to-records.ts';
import { readBody } from './read-body.ts';
import { errorAnswer, formatOf } from './respond.ts';
import type { Answer } from './respond.ts';
import { scanTraces } from './scan-traces.ts';
import { spansToRecords } from './spans-to-records.ts';

export interface ExportContext {
  readonly config: GatewayConfig;
  readonly admission: Admission;
  readonly producer: BatchingProducer;
  readonly counters: ExportCounters;
  readonly log: LogSink;
  readonly authorized: (header: string | undefined) => boolean;
}

/**
 * The export path of `POST /v1/traces` and `/v1/metrics`: authorize, admit, read, decode, filter, split into
 * Kafka records, produce, and answer only after Kafka acknowledged (acks=all). Every outcome is an answer;
 * nothing here throws for bad input.
 */
export async function handleExport(ctx: ExportContext, signal: Signal, req: IncomingMessage): Promise<Answer> {
  const { config, admission } = ctx;
  const format = formatOf(req.headers['content-type']);
  if (!ctx.authorized(req.headers.authorization)) {
    return errorAnswer(401, format ?? 'json', 'a valid bearer token is required', {
      headers: { 'www-authenticate': 'Bearer' }, close: true,
    });
  }
  if (!format) {
    return errorAnswer(415, 'json', `Content-Type '${req.headers['content-type'] ?? ''}' is not supported; use application/x-protobuf or application/json`, { close: true });
  }
  if (!admission.enter()) {
    return errorAnswer(429, format, 'too many export requests in flight; retry later', {
      headers: { 'retry-after': String(config.retryAfterOverloadedSeconds) }, close: true,
    });
  }
  let heldBytes = 0;
  try {
    const body = await readBody(req, config.limits.maxBodyBytes);
    if (!body.ok) return errorAnswer(body.status, format, body.message, { close: body.closeConnection });
    if (!admission.addBytes(body.body.length)) {
      return errorAnswer(429, format, 'too many bytes in flight; retry later', {
        headers: { 'retry-after': String(config.retryAfterOverloadedSeconds) },
      });
    }
    heldBytes = body.body.length;
    return await exportBody(ctx, signal, format, body.body);
  } finally {
    admission.leave(heldBytes);
  }
}

async function exportBody(ctx: ExportContext, signal: Signal, format: OtlpFormat, body: Buffer): Promise<Answer> {
  const { config, counters } = ctx;
  const limits = config.limits;
  const rules = itemRules(Date.now(), limits.maxPastMs, limits.maxFutureMs, limits.maxAttributeValueBytes);
  const tally = new RejectionTally();
  let records: OutgoingRecord[];
  let items: number;
  const spansTopic = config.kafka.topics.spans;
  const partitions = ctx.producer.partitionCount(spansTopic);
  // The common case (protobuf, every span fine) is read and copied without decoding; anything else decodes.
  const fast = signal === 'traces' && format === 'protobuf' && partitions
    ? scanTraces(body, rules, spansTopic, limits.maxMessageBytes, partitions) : undefined;
  const decoded = fast ? undefined : decodeRequest(signal, format, body);
  if (decoded && !decoded.ok) return errorAnswer(400, format, decoded.message);

  if (fast) {
    ({ records, spans: items } = fast);
  } else if (signal === 'traces') {
    const request = (decoded as { request: TracesRequest }).request;
    filterSpans(request, rules, tally);
    ({ records, spans: items } = spansToRecords(request, spansTopic, limits.maxMessageBytes, tally, partitions));
  } else {
    const request = (decoded as { request: MetricsRequest }).request;
    filterMetrics(request, rules, tally);
    ({ records, points: items } = metricsToRecords(request, config.kafka.topics.metrics, limits.maxMessageBytes, tally));
  }

  const outcome = await ctx.producer.produce(records);
  if (!outcome.ok) {
    return errorAnswer(503, format, `the telemetry could not be stored: ${outcome.reason}`, {
      headers: { 'retry-after': String(config.retryAfterUnavailableSeconds) },
    });
  }
  counters.accepted[signal] += items;
  counters.rejected[signal] += tally.rejected;
  counters.truncatedValues += tally.truncated;
  const itemName = signal === 'traces' ? 'spans' : 'data points';
  const message = tally.message(itemName, limits.maxAttributeValueBytes);
  if (message) ctx.log.debug('partial success', { signal, rejected: tally.rejected, truncated: tally.truncated });
  const partial = message ? { rejected: tally.rejected, errorMessage: message } : undefined;
  return {
    status: 200,
    format,
    body: format === 'protobuf' ? encodeExportResponse(signal, partial) : exportResponseJson(signal, partial),
  };
}
