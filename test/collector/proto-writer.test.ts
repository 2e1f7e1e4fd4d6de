import { describe, expect, it } from '@jest/globals';
import { ProtoWriter } from '../../collector/proto-writer.ts';
import { encodeSpansProto } from '../../collector/encode-spans-proto.ts';
import { bytesToHex, decodeRequest, int64ToBigInt } from '../../processors/otlp/index.ts';

const exactNanos = (ms: number): bigint => {
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1000)) * 1000n;
};

describe('ProtoWriter', () => {
  it('writes epoch nanoseconds exactly to the microsecond across the whole range', () => {
    const w = new ProtoWriter(16);
    for (const ms of [0, 1, 1763722800123.456, 1763722800123.999, 4102444800000.001, 2 ** 41 - 0.001, Date.now() + 0.25]) {
      w.pos = 0;
      w.epochNanos(1, ms);
      expect(w.buf.readBigUInt64LE(1)).toBe(exactNanos(ms));
    }
  });

  it('encodes spans that the project decoder reads back field for field, long values included', () => {
    const long = 'x'.repeat(300) + 'é';
    const body = encodeSpansProto([{
      app: 'a', traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', parentSpanId: '', traceState: 'k=v',
      name: 'request', kind: 2, start: 1763722800123.456, end: 1763722800125.5,
      attributes: { s: long, i: 42, neg: -3, d: 1.5, b: true }, statusCode: 2, statusMessage: '500.1002', events: [
        { name: 'exception', time: 1763722800124, attributes: { 'exception.type': 'Error' } },
      ],
    }], () => ({ 'service.name': 'a' }));
    const d = decodeRequest('traces', 'protobuf', body);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    const rs = d.request.resourceSpans![0]!;
    const span = rs.scopeSpans![0]!.spans![0]!;
    expect(rs.resource!.attributes![0]!.value!.stringValue).toBe('a');
    expect(bytesToHex(span.traceId)).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(bytesToHex(span.spanId)).toBe('b7ad6b7169203331');
    expect(span.parentSpanId?.length ?? 0).toBe(0);
    expect(int64ToBigInt(span.startTimeUnixNano)).toBe(1763722800123456000n);
    expect(int64ToBigInt(span.endTimeUnixNano)).toBe(1763722800125500000n);
    const attrs = Object.fromEntries(span.attributes!.map((kv) => [kv.key, kv.value]));
    expect(attrs.s!.stringValue).toBe(long);
    expect(int64ToBigInt(attrs.i!.intValue)).toBe(42n);
    expect(int64ToBigInt(attrs.neg!.intValue)).toBe(-3n);
    expect(attrs.d!.doubleValue).toBe(1.5);
    expect(attrs.b!.boolValue).toBe(true);
    expect(span.status).toMatchObject({ code: 2, message: '500.1002' });
    expect(span.events![0]!.name).toBe('exception');
    expect((span as { traceState?: string }).traceState).toBe('k=v');
  });
});
