import { isNodefarmError, NodefarmError } from '../../host/errors.ts';
import type { LogSink } from '../kafka/log-sink.ts';
import { ingestUsage, parseIngestOptions } from './cli-options.ts';
import { createIngester } from './index.ts';
import type { IngesterHooks } from './index.ts';
import { createJsonLogger } from '../../host/server/logger.ts';

/** Test-only: SIGKILL this process right after the N-th batch is inserted, before its offsets are committed. */
export const KILL_AFTER_INSERTS_ENV = 'NODEFARM_INGEST_TEST_KILL_AFTER_INSERTS';

function printError(err: unknown): void {
  if (isNodefarmError(err)) process.stderr.write(`nodefarm ingest: ${err.message}\n  hint: ${err.hint}\n`);
  else process.stderr.write(`nodefarm ingest: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
}

/** kafkajs arms a negative timer when idle (TimeoutNegativeWarning, harmless); other warnings go to the log. */
function routeProcessWarnings(log: LogSink): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name !== 'TimeoutNegativeWarning') log.warn(warning.message, { warning: warning.name });
  });
}

function faultHooks(env: NodeJS.ProcessEnv): IngesterHooks {
  const n = Number(env[KILL_AFTER_INSERTS_ENV] ?? '');
  if (!Number.isInteger(n) || n < 1) return {};
  let seen = 0;
  return {
    afterInsert(outcome) {
      const rows = outcome.inserted.spans + outcome.inserted.worker_events + outcome.inserted.metrics;
      if (rows === 0) return;
      seen += 1;
      if (seen >= n) process.kill(process.pid, 'SIGKILL');
    },
  };
}

/**
 * `nodefarm ingest [options]`: runs the ingester until SIGINT or SIGTERM, then stores and commits what it
 * holds and exits 0. Exit 2 for bad options, 1 when the schema is missing.
 */
export async function run(args: string[]): Promise<number> {
  const parsed = parseIngestOptions(args, process.env);
  if (!parsed.ok) {
    printError(new NodefarmError('CLI_USAGE', { problem: parsed.problem }));
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(ingestUsage());
    return 0;
  }
  let ingester;
  try {
    ingester = createIngester({ ...parsed.input, ...faultHooks(process.env) });
  } catch (err) {
    printError(err);
    return 2;
  }
  const log = createJsonLogger('ingest', ingester.config.logLevel);
  routeProcessWarnings(log);
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  try {
    await ingester.start();
  } catch (err) {
    printError(err);
    await ingester.shutdown();
    return 1;
  }
  log.info('ingester running', { pid: process.pid });
  log.info('shutting down', { signal: await signal });
  await ingester.shutdown();
  return 0;
}
