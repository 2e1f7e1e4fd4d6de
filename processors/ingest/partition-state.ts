import type { SpanWindow } from './span-window.ts';

/** What the ingester knows about one assigned topic partition. */
export interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  /**
   * Records below this offset may already be stored, so their rows are checked before inserting. Set at the
   * first fetch after an assignment to the partition's high watermark (no earlier owner can have read further),
   * and raised past a batch whose insert failed (it may be partly stored). Undefined until that first fetch:
   * everything is checked.
   */
  checkBelow: number | undefined;
  /** Recent span keys (spans topic only), seeded from ClickHouse before the first batch is inserted. */
  window: SpanWindow | undefined;
  /** Records fetched but not yet consumed (high watermark − position), from the last fetch. */
  lag: number;
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}
