import type { SqlExecutor } from '../migrate/sql-executor.ts';
import { resolveRetentionOptions } from './config.ts';
import type { RetentionOptions } from './config.ts';
import { dropOldPartitions } from './drop-old-partitions.ts';
import type { RetentionReport } from './drop-old-partitions.ts';

export type { RetentionOptions } from './config.ts';
export type { RetentionReport } from './drop-old-partitions.ts';

/** A retention job over one database; the ingester runs one with start() (or `nodefarm migrate --retention-days`). */
export interface Retention {
  readonly options: RetentionOptions;
  /** One pass now. Runs never overlap: a call during a pass waits for that pass's result. */
  runOnce(): Promise<RetentionReport>;
  /** Runs a pass every `intervalMs` (first one immediately); errors are reported to `onError`, not thrown. */
  start(onError?: (err: unknown) => void): void;
  /** Stops the timer and waits for a pass in progress. Idempotent; safe before start. */
  shutdown(): Promise<void>;
  /** Passes that failed since creation (for metrics). */
  readonly failures: number;
}

/** Creates a {@link Retention} job that drops expired daily partitions through `executor`. */
export function createRetention(executor: SqlExecutor, options: Partial<RetentionOptions> = {}): Retention {
  const resolved = resolveRetentionOptions(options);
  let running: Promise<RetentionReport> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;

  const runOnce = (): Promise<RetentionReport> => {
    running ??= dropOldPartitions(executor, resolved).finally(() => { running = undefined; });
    return running;
  };

  return {
    options: resolved,
    runOnce,
    start(onError = () => {}) {
      if (timer) return;
      const tick = (): void => {
        runOnce().catch((err: unknown) => { failures += 1; onError(err); });
      };
      timer = setInterval(tick, resolved.intervalMs);
      timer.unref();
      tick();
    },
    async shutdown() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
    get failures() { return failures; },
  };
}
