import { describe, expect, it } from '@jest/globals';
import { attrKey } from '../../collector/attr-keys.ts';
import { ProtoSpanBuffer } from '../../collector/encode-spans-proto.ts';
import { RecordSink, type SpanSink } from '../../collector/span-sink.ts';
import { bytesToHex, decodeRequest, int64ToBigInt, type KeyValue } from '../../processors/otlp/index.ts';

const resourceOf = (app: string): Record<string, string> => ({ 'service.name': app });

function plain(kv: KeyValue): [string, unknown] {
  // The decoder keeps defaults on the prototype: the value's own property is the one that was sent.
  const v = kv.value! as Record<string, unknown>;
  const has = (name: string): boolean => Object.hasOwn(v, name);
  if (has('stringValue')) return [kv.key!, v.stringValue];
  if (has('boolValue')) return [kv.key!, v.boolValue];
  if (has('intValue')) return [kv.key!, Number(int64ToBigInt(kv.value!.intValue))];
  return [kv.key!, v.doubleValue];
}

/** Writes the same spans into `out`: the shapes the fast paths handle and the ones they leave to the generic writer. */
function writeSpans(out: SpanSink): void {
  const longKey = attrKey(`k.${'x'.repeat(130)}`);
  out.begin('a', '0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', '', 'k=v', 'request', 2, 1763722800123.456, 1763722800125.5);
  out.str(attrKey('http.request.method'), 'GET');
  out.str(attrKey('url.path'), '/é/ü'); // not ASCII
  out.str(attrKey('user_agent.original'), 'u'.repeat(200)); // longer than one length byte
  out.str(attrKey('empty'), '');
  out.num(attrKey('small'), 0);
  out.num(attrKey('two.bytes'), 300);
  out.num(attrKey('four.bytes'), 0x0fffffff);
  out.num(attrKey('big'), 2 ** 40 + 3);
  out.num(attrKey('negative'), -3);
  out.num(attrKey('fraction'), 1.25);
  out.bool(attrKey('yes'), true);
  out.bool(attrKey('no'), false);
  out.num(longKey, 7);
  out.bool(longKey, true);
  out.str(longKey, 'v');
  out.end(2, '500.1002');
  // Children: the parent written just before, a random id, another app, an end before the start.
  out.begin('a', '0af7651916cd43dd8448eb211c80319c', 'c7ad6b7169203332', 'b7ad6b7169203331', '', 'dispatch', 3, 1763722800124, 1763722800125);
  out.end(0, '');
  out.begin('a', '0af7651916cd43dd8448eb211c80319c', '', 'b7ad6b7169203331', '', 'response.flush', 1, 1763722800125, 1763722800124);
  out.end(0, '');
  // A request's ids given as bytes too: the buffer copies them instead of converting the hex.
  out.knownIds('1af7651916cd43dd8448eb211c80319d', 'd7ad6b7169203333', 'e7ad6b7169203334',
    Buffer.from('1af7651916cd43dd8448eb211c80319dd7ad6b7169203333e7ad6b7169203334', 'hex'));
  out.begin('b', '1af7651916cd43dd8448eb211c80319d', 'd7ad6b7169203333', '', '', 'request', 2, 1763722800126, 1763722800127);
  out.num(attrKey('small'), 1);
  out.end(0, '');
  out.begin('b', '1af7651916cd43dd8448eb211c80319d', 'e7ad6b7169203334', 'd7ad6b7169203333', '', 'dispatch', 3, 1763722800126, 1763722800127);
  out.num(attrKey('small'), 1);
  out.end(0, '');
}

describe('Span sinks', () => {
  it('encode into protobuf exactly what the record sink keeps, for every value shape', () => {
    const records = new RecordSink();
    writeSpans(records);
    const buffer = new ProtoSpanBuffer();
    writeSpans(buffer);
    expect(buffer.count).toBe(5);
    const d = decodeRequest('traces', 'protobuf', buffer.seal(resourceOf));
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(buffer.count).toBe(0);
    const decoded = d.request.resourceSpans!.flatMap((rs) => rs.scopeSpans![0]!.spans!.map((s) => ({
      app: rs.resource!.attributes![0]!.value!.stringValue, scope: rs.scopeSpans![0]!.scope!.name,
      traceId: bytesToHex(s.traceId), spanId: bytesToHex(s.spanId), parentSpanId: bytesToHex(s.parentSpanId),
      traceState: (s as { traceState?: string }).traceState ?? '', name: s.name, kind: s.kind,
      start: int64ToBigInt(s.startTimeUnixNano), end: int64ToBigInt(s.endTimeUnixNano),
      attributes: Object.fromEntries((s.attributes ?? []).map(plain)),
      statusCode: s.status?.code ?? 0, statusMessage: s.status?.message ?? '',
    })));
    const kept = records.take();
    expect(decoded).toHaveLength(kept.length);
    kept.forEach((r, i) => {
      const got = decoded[i]!;
      expect(got).toMatchObject({
        app: r.app, scope: 'nodefarm.host', traceId: r.traceId, parentSpanId: r.parentSpanId, traceState: r.traceState,
        name: r.name, kind: r.kind, attributes: r.attributes, statusCode: r.statusCode, statusMessage: r.statusMessage,
      });
      if (r.spanId !== '') expect(got.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(got.end).toBeGreaterThanOrEqual(got.start);
    });
    expect(decoded[0]!.spanId).toBe('b7ad6b7169203331');
    expect(decoded[0]!.start).toBe(1763722800123456000n);
    expect(decoded[2]!.spanId).not.toBe('0000000000000000');
    expect(decoded[2]!.end).toBe(decoded[2]!.start); // ended before it started: zero length
    expect(decoded[3]).toMatchObject({ app: 'b', traceId: '1af7651916cd43dd8448eb211c80319d', spanId: 'd7ad6b7169203333', parentSpanId: '' });
    expect(decoded[4]).toMatchObject({ spanId: 'e7ad6b7169203334', parentSpanId: 'd7ad6b7169203333' });
  });

  it('keeps encoding after a seal, into a reused writer', () => {
    const buffer = new ProtoSpanBuffer();
    writeSpans(buffer);
    buffer.seal(resourceOf);
    writeSpans(buffer);
    const d = decodeRequest('traces', 'protobuf', buffer.seal(resourceOf));
    expect(d.ok && d.request.resourceSpans!.map((rs) => rs.scopeSpans![0]!.spans!.length)).toEqual([3, 2]);
  });
});
