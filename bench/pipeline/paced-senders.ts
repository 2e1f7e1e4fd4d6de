import { createBatchTemplates } from './batch-templates.ts';
import { hostBatch } from './host-spans.ts';
import type { OtlpPoster } from './post-otlp.ts';

/** Counters of the load senders; cumulative, read as differences over a window. */
export interface SenderCounters {
  /** Requests sent for the first time, and their spans (what was offered). */
  offeredRequests: number;
  offeredSpans: number;
  /** Requests answered 200, and their spans (what the gateway accepted: stored in Kafka). */
  acceptedRequests: number;
  acceptedSpans: number;
  /** Answers that made the sender wait and send the same batch again. */
  retried429: number;
  retried503: number;
  /** Other statuses and connection failures (the batch is dropped and counted). */
  failed: number;
  droppedSpans: number;
  /** Wall time spent encoding batches, ms (the generator's own cost). */
  encodeMs: number;
  /** Time from sending a request to its 200 answer, ms, in the order answered (bounded: the last 100,000). */
  readonly latenciesMs: number[];
}

/** Load at a spans/s target from several concurrent senders until `stop`. */
export interface PacedSenders {
  readonly counters: SenderCounters;
  /** Stops sending new batches and waits for the ones in flight to finish (retries included, so every batch ends accepted or failed). */
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `senders` loops that share one schedule: a batch of `batchSpans` is due every batchSpans / rate
 * seconds. A sender that falls behind sends at once, and the schedule never banks more than one second of
 * missed slots, so an overloaded gateway shows up as accepted < offered rather than as a burst later.
 * 429 and 503 are retried after Retry-After (the gateway's 1 s / 5 s), as OTLP exporters do.
 */
export function startPacedSenders(poster: OtlpPoster, senders: number, batchSpans: number,
  rate: number, templates = 0): PacedSenders {
  // With templates, each batch is a copy of a pre-encoded one with fresh ids and times (batch-templates.ts).
  const nextBatch = templates > 0 ? createBatchTemplates(() => hostBatch(batchSpans), templates) : () => hostBatch(batchSpans);
  const counters: SenderCounters = {
    offeredRequests: 0, offeredSpans: 0, acceptedRequests: 0, acceptedSpans: 0, retried429: 0, retried503: 0,
    failed: 0, droppedSpans: 0, encodeMs: 0, latenciesMs: [],
  };
  const intervalMs = (batchSpans / rate) * 1000;
  let nextSlot = performance.now();
  let stopping = false;

  const takeSlot = (): number => {
    const now = performance.now();
    if (nextSlot < now - 1000) nextSlot = now - 1000;
    const slot = nextSlot;
    nextSlot += intervalMs;
    return slot;
  };

  const loop = async (): Promise<void> => {
    while (!stopping) {
      const wait = takeSlot() - performance.now();
      if (wait > 0) await sleep(wait);
      if (stopping) break;
      const t = performance.now();
      const batch = nextBatch();
      counters.encodeMs += performance.now() - t;
      counters.offeredRequests++;
      counters.offeredSpans += batch.spans;
      for (;;) {
        const sentAt = performance.now();
        const r = await poster.post('/v1/traces', batch.body);
        if (r.status === 200) {
          if (counters.latenciesMs.length >= 100_000) counters.latenciesMs.shift();
          counters.latenciesMs.push(performance.now() - sentAt);
          counters.acceptedRequests++;
          counters.acceptedSpans += batch.spans;
          break;
        }
        if (r.status === 429 || r.status === 503) {
          if (r.status === 429) counters.retried429++;
          else counters.retried503++;
          await sleep(r.retryAfterMs ?? 1000);
          continue;
        }
        counters.failed++;
        counters.droppedSpans += batch.spans;
        break;
      }
    }
  };

  const loops = Array.from({ length: senders }, () => loop());
  return {
    counters,
    async stop() {
      stopping = true;
      await Promise.all(loops);
    },
  };
}
