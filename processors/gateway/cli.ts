import { isNodefarmError, NodefarmError } from '../../host/errors.ts';
import { gatewayUsage, parseGatewayOptions } from './cli-options.ts';
import { createGateway } from './index.ts';
import { createJsonLogger } from '../../host/server/logger.ts';
import type { LogSink } from '../kafka/log-sink.ts';

/**
 * Process warnings go to the structured log instead of raw stderr text. kafkajs 2.2.4 arms a timer with a
 * negative delay whenever its request queue is idle, which Node reports as TimeoutNegativeWarning on every
 * run; it is harmless (Node uses 1 ms) and is dropped.
 */
function routeProcessWarnings(log: LogSink): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name !== 'TimeoutNegativeWarning') log.warn(warning.message, { warning: warning.name });
  });
}

function printError(err: unknown): void {
  if (isNodefarmError(err)) process.stderr.write(`nodefarm gateway: ${err.message}\n  hint: ${err.hint}\n`);
  else process.stderr.write(`nodefarm gateway: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
}

/**
 * `nodefarm gateway [options]`: runs the OTLP/HTTP → Kafka gateway until SIGINT or SIGTERM, then drains and
 * exits 0. Exit 2 for bad options, 1 when it cannot start.
 */
export async function run(args: string[]): Promise<number> {
  const parsed = parseGatewayOptions(args, process.env);
  if (!parsed.ok) {
    printError(new NodefarmError('CLI_USAGE', { problem: parsed.problem }));
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(gatewayUsage());
    return 0;
  }
  let gateway;
  try {
    gateway = createGateway(parsed.input);
  } catch (err) {
    printError(err);
    return 2;
  }
  routeProcessWarnings(createJsonLogger('gateway', gateway.config.logLevel));
  try {
    await gateway.start();
  } catch (err) {
    printError(err);
    await gateway.shutdown(0);
    return 1;
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', module: 'gateway', message: 'shutting down', signal })}\n`);
  await gateway.shutdown(10_000);
  return 0;
}
