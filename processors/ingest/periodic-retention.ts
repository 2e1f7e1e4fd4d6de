import type { LogSink } from '../kafka/log-sink.ts';
import { createClickHouseExecutor } from '../migrate/clickhouse-executor.ts';
import { createRetention } from '../retention/index.ts';
import { describeFailure } from './classify-error.ts';
import type { IngestConfig } from './config.ts';

/** The retention job an ingester runs (processors/retention), with its own connection. */
export interface PeriodicRetention {
  readonly failures: number;
  stop(): Promise<void>;
}

/**
 * Starts the retention pass every `retentionIntervalMs` (the first at once). Every ingester of a group runs it;
 * dropping a partition that another one dropped already is a no-op. Failures are logged and counted.
 */
export function startRetention(config: IngestConfig, log: LogSink): PeriodicRetention {
  // DROP PARTITION can take a while on a busy server: a longer timeout than the inserts'.
  const executor = createClickHouseExecutor({ ...config.clickhouse, requestTimeoutMs: 300_000 });
  const job = createRetention(executor, { days: config.retentionDays, intervalMs: config.retentionIntervalMs });
  job.start((err) => log.warn('retention pass failed', { reason: describeFailure(err) }));
  return {
    get failures() { return job.failures; },
    async stop() {
      await job.shutdown();
      await executor.close();
    },
  };
}
