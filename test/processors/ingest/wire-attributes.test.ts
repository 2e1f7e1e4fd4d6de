/** The ingester's direct protobuf string reads, with their cache of short strings, against Buffer decoding. */
import { randomBytes } from 'node:crypto';
import { readString } from '../../../processors/ingest/wire-attributes.ts';
import { LEN, WireReader } from '../../../processors/otlp/wire.ts';

/** A length-delimited field value (no tag) holding `bytes`. */
function field(bytes: Buffer): Buffer {
  const len: number[] = [];
  let n = bytes.length;
  while (n >= 0x80) { len.push((n & 0x7f) | 0x80); n >>>= 7; }
  len.push(n);
  return Buffer.concat([Buffer.from(len), bytes]);
}

describe('Ingester string reads', () => {
  it('give what Buffer decoding gives, also for bytes that share a cache slot, repeat, or are not valid UTF-8', () => {
    const samples: Buffer[] = [
      Buffer.from('http.request.method'), Buffer.from('GET'), Buffer.from('ünï©ødé 🚀'), Buffer.from([0xff, 0xfe, 0x41]),
      Buffer.from([0xe2, 0x82]), Buffer.from('x'.repeat(64)), Buffer.from('y'.repeat(65)), Buffer.from('a\tb\nc'),
    ];
    // Far more distinct short strings than cache slots, so slots are shared and replaced.
    for (let i = 0; i < 12_000; i += 1) samples.push(randomBytes(1 + (i % 40)));
    const order = [...samples.keys(), ...samples.keys()].sort(() => Math.random() - 0.5);
    for (const i of order) {
      const bytes = samples[i] as Buffer;
      const r = new WireReader(field(bytes));
      expect(readString(r, LEN)).toBe(bytes.toString('utf8'));
      expect(r.pos).toBe(r.end);
    }
  });
});
