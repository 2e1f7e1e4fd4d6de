import type { BufferedRecord } from './decode-record.ts';

/**
 * Records consumed but not yet handed to a flush, in arrival order, with the counts the limits are checked
 * against. A record counts as at least one row so that a flood of empty or poison records is bounded too.
 */
export interface RecordBuffer {
  add(record: BufferedRecord): void;
  /**
   * Takes the oldest records (for one flush) up to `maxRows` rows and `maxBytes` bytes, at least one record.
   * Arrival order is offset order within each partition, so what stays behind is always later.
   */
  take(maxRows: number, maxBytes: number): BufferedRecord[];
  clear(): void;
  readonly rows: number;
  readonly bytes: number;
  readonly records: number;
  /** When the oldest buffered record arrived (ms), or undefined when empty. */
  readonly oldestAt: number | undefined;
}

export function rowWeight(r: BufferedRecord): number {
  return Math.max(1, r.rows.length);
}

export function createRecordBuffer(now: () => number = Date.now): RecordBuffer {
  let items: BufferedRecord[] = [];
  let rows = 0;
  let bytes = 0;
  let oldestAt: number | undefined;
  return {
    add(record) {
      items.push(record);
      rows += rowWeight(record);
      bytes += record.bytes;
      oldestAt ??= now();
    },
    take(maxRows, maxBytes) {
      let n = 0; let r = 0; let by = 0;
      while (n < items.length) {
        const next = items[n] as BufferedRecord;
        if (n > 0 && (r + rowWeight(next) > maxRows || by + next.bytes > maxBytes)) break;
        r += rowWeight(next); by += next.bytes; n += 1;
      }
      const out = items.slice(0, n);
      items = items.slice(n);
      rows -= r; bytes -= by;
      // The rest is already due (it arrived before this flush started), so the next flush follows at once.
      if (items.length === 0) oldestAt = undefined;
      return out;
    },
    clear() { items = []; rows = 0; bytes = 0; oldestAt = undefined; },
    get rows() { return rows; },
    get bytes() { return bytes; },
    get records() { return items.length; },
    get oldestAt() { return oldestAt; },
  };
}
