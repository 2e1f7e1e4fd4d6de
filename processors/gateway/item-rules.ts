import { int64ToBigInt } from '../otlp/int64.ts';
import type { Int64 } from '../otlp/types.ts';

/** What the filters need to know: the accepted time window and the attribute value cap. */
export interface ItemRules {
  readonly minTimeNs: bigint;
  readonly maxTimeNs: bigint;
  readonly maxAttributeValueBytes: number;
}

export function itemRules(nowMs: number, maxPastMs: number, maxFutureMs: number, maxAttributeValueBytes: number): ItemRules {
  const ms = 1_000_000n;
  return {
    minTimeNs: BigInt(nowMs - maxPastMs) * ms,
    maxTimeNs: BigInt(nowMs + maxFutureMs) * ms,
    maxAttributeValueBytes,
  };
}

export function inTimeWindow(value: Int64 | null | undefined, rules: ItemRules): boolean {
  const ns = int64ToBigInt(value);
  return ns >= rules.minTimeNs && ns <= rules.maxTimeNs;
}

/** Counts rejected items by reason and renders the partial-success `error_message`. */
export class RejectionTally {
  rejected = 0;
  truncated = 0;
  private readonly reasons = new Map<string, number>();

  reject(reason: string, count = 1): void {
    if (count <= 0) return;
    this.rejected += count;
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + count);
  }

  /** The message for the client, or '' when nothing was rejected or truncated. */
  message(itemName: string, maxAttributeValueBytes: number): string {
    const parts: string[] = [];
    if (this.rejected > 0) {
      const detail = [...this.reasons].map(([reason, n]) => `${n} ${reason}`).join(', ');
      parts.push(`rejected ${this.rejected} ${itemName}: ${detail}`);
    }
    if (this.truncated > 0) {
      parts.push(`truncated ${this.truncated} attribute value(s) to ${maxAttributeValueBytes} bytes`);
    }
    return parts.join('; ');
  }
}
