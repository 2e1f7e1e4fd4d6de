import type { Signal } from '../otlp/types.ts';

/** Version of the Kafka record contract (docs/gateway.md, "Kafka records"); bumped on incompatible change. */
export const RECORD_FORMAT_VERSION = '1';

/** Headers every record carries, so a reader can check what it got before decoding. */
export function recordHeaders(signal: Signal): Record<string, string> {
  return {
    'content-type': 'application/x-protobuf',
    'otlp-signal': signal,
    'nodefarm-format': RECORD_FORMAT_VERSION,
  };
}
