import type { IngestBatching } from './config.ts';
import type { RecordBuffer } from './record-buffer.ts';

/** Decides when the next flush starts: enough rows or bytes, the oldest record waited long enough, or stopping. */
export interface FlushTrigger {
  /** Resolves when a flush is due, or at once when stopping (then possibly with nothing to flush). */
  due(): Promise<void>;
  /** Re-evaluates now (a fetch filled the buffer, or shutdown began). */
  wake(): void;
}

export function createFlushTrigger(buffer: RecordBuffer, b: IngestBatching, isStopping: () => boolean): FlushTrigger {
  let wakeUp: (() => void) | undefined;
  const isDue = (): boolean => {
    if (buffer.records === 0) return false;
    if (isStopping()) return true;
    return buffer.rows >= b.maxBatchRows || buffer.bytes >= b.maxBatchBytes
      || Date.now() - (buffer.oldestAt ?? Date.now()) >= b.flushIntervalMs;
  };
  return {
    async due() {
      while (!isDue()) {
        if (isStopping()) return;
        const age = buffer.oldestAt === undefined ? 0 : Date.now() - buffer.oldestAt;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, Math.max(5, b.flushIntervalMs - age));
          function done(): void { clearTimeout(timer); wakeUp = undefined; resolve(); }
          wakeUp = done;
        });
      }
    },
    wake() { wakeUp?.(); },
  };
}
