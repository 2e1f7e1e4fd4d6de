/**
 * Lowercase hex of an id (trace/span ids are hex in OTLP/JSON, in Kafka keys and in ClickHouse). Unset bytes
 * fields of decoded messages are an empty plain array, hence the `ArrayLike` fallback.
 */
export function bytesToHex(bytes: Uint8Array | ArrayLike<number> | null | undefined): string {
  if (!bytes || bytes.length === 0) return '';
  return ArrayBuffer.isView(bytes)
    ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
    : Buffer.from(Array.from(bytes)).toString('hex');
}

/** Bytes of a hex string, or undefined when it is not an even-length hex string. */
export function hexToBytes(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  return Buffer.from(hex, 'hex');
}
