/**
 * Encodes `leaves` as one unit if it fits in `maxBytes`, else splits them in halves recursively. A single
 * leaf that does not fit is handed to `tooLarge`. Halving keeps the number of encodings at O(n log n) in
 * the worst case and at one for the usual batch that fits.
 */
export function packBySize<L>(
  leaves: readonly L[],
  encode: (leaves: readonly L[]) => Uint8Array,
  maxBytes: number,
  emit: (value: Uint8Array, leaves: readonly L[]) => void,
  tooLarge: (leaf: L) => void,
): void {
  if (leaves.length === 0) return;
  const value = encode(leaves);
  if (value.byteLength <= maxBytes) {
    emit(value, leaves);
    return;
  }
  if (leaves.length === 1) {
    tooLarge(leaves[0] as L);
    return;
  }
  const mid = Math.ceil(leaves.length / 2);
  packBySize(leaves.slice(0, mid), encode, maxBytes, emit, tooLarge);
  packBySize(leaves.slice(mid), encode, maxBytes, emit, tooLarge);
}
