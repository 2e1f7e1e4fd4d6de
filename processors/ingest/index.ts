/**
 * The ingester (`nodefarm ingest`): consumes the gateway's OTLP records from Kafka and stores them in ClickHouse
 * exactly once (docs/schema.md, "The exactly-once contract with the ingester"; docs/ingester.md).
 */
import { NodefarmError } from '../../host/errors.ts';
import type { LogSink } from '../kafka/log-sink.ts';
import { mergeIngestConfig, validateIngestConfig } from './config.ts';
import type { IngestConfigInput } from './config.ts';
import { buildIngester } from './ingester.ts';
import type { Ingester, IngesterHooks } from './ingester.ts';
import { createJsonLogger } from '../../host/server/logger.ts';

export type { Ingester, IngesterHooks } from './ingester.ts';
export type { IngestConfig, IngestConfigInput, IngestBatching, IngestRetry, DedupWindow, ClickHouseTarget, LogLevel } from './config.ts';
export { ingestDefaults, mergeIngestConfig, validateIngestConfig } from './config.ts';
export type { IngestStats } from './ingest-stats.ts';
export type { FlushOutcome } from './flush-batch.ts';
export { DEAD_LETTER_HEADERS } from './dead-letter.ts';
export { LIFECYCLE_ATTRS } from './worker-event-row.ts';

export interface IngesterOptions extends IngestConfigInput, IngesterHooks {
  /** Log sink; JSON lines on stderr at `logLevel` by default. */
  readonly log?: LogSink;
}

/**
 * Creates an ingester. Throws {@link NodefarmError} `INGEST_CONFIG_INVALID` naming every invalid option;
 * nothing is opened until `start`.
 */
export function createIngester(options: IngesterOptions = {}): Ingester {
  const { log: givenLog, afterInsert, ...input } = options;
  const config = mergeIngestConfig(input);
  const problems = validateIngestConfig(config);
  if (problems.length > 0) {
    throw new NodefarmError('INGEST_CONFIG_INVALID', {
      problems: problems.map((p) => `${p.key} is invalid, expected ${p.expected}, actual ${p.actual}`).join('; '),
    });
  }
  const frozen = Object.freeze(config);
  return buildIngester(frozen, givenLog ?? createJsonLogger('ingest', frozen.logLevel), { afterInsert });
}
