import type { IncomingMessage, ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import { encodeStatus, statusJson } from '../otlp/encode.ts';
import type { OtlpFormat } from '../otlp/decode-request.ts';

/** gRPC status codes for the google.rpc.Status body of each HTTP error the gateway gives. */
const grpcCodeOf: Readonly<Record<number, number>> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  404: 5, // NOT_FOUND
  405: 12, // UNIMPLEMENTED
  413: 8, // RESOURCE_EXHAUSTED
  415: 3, // INVALID_ARGUMENT
  429: 8, // RESOURCE_EXHAUSTED
  500: 13, // INTERNAL
  503: 14, // UNAVAILABLE
};

const contentTypeOf: Readonly<Record<OtlpFormat, string>> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

export interface Answer {
  readonly status: number;
  readonly format: OtlpFormat;
  readonly body: Uint8Array | string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The request body was not fully read: close the connection after answering. */
  readonly close?: boolean;
}

function acceptsGzip(req: IncomingMessage): boolean {
  return /(^|,)\s*gzip\s*(;\s*q=(?!0(\.0*)?\s*(,|$))[\d.]+)?\s*(,|$)/i.test(req.headers['accept-encoding'] ?? '');
}

/** Writes an answer in the request's format, gzip-compressed when the client accepts gzip. */
export function send(req: IncomingMessage, res: ServerResponse, answer: Answer): void {
  if (res.headersSent) return;
  let body: Buffer = typeof answer.body === 'string' ? Buffer.from(answer.body) : Buffer.from(answer.body);
  const headers: Record<string, string> = { 'content-type': contentTypeOf[answer.format], ...answer.headers };
  if (body.length > 0 && acceptsGzip(req)) {
    body = zlib.gzipSync(body);
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = String(body.length);
  if (answer.close) headers.connection = 'close';
  res.writeHead(answer.status, headers);
  res.end(body);
}

/** An error answer with a google.rpc.Status body. */
export function errorAnswer(status: number, format: OtlpFormat, message: string, extra: Partial<Answer> = {}): Answer {
  const code = grpcCodeOf[status] ?? 2;
  return { status, format, body: format === 'protobuf' ? encodeStatus(code, message) : statusJson(code, message), ...extra };
}

/** The request's OTLP format from its Content-Type, or undefined for anything else (answer 415). */
export function formatOf(contentType: string | undefined): OtlpFormat | undefined {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (media === 'application/x-protobuf' || media === 'application/protobuf') return 'protobuf';
  if (media === 'application/json') return 'json';
  return undefined;
}
