/**
 * `nodefarm serve <app.js> --port <n> [--config nodefarm.yml] [--<setting> value …]`: runs a farm until
 * SIGTERM/SIGINT, then stops accepting, drains requests in flight, stops the workers and exits 0. SIGHUP
 * reloads the configuration (docs/recycling.md).
 * Lifecycle logs are JSON lines on stderr; nothing is logged per request.
 */
import { flushCompileCache } from 'node:module';
import { loadFarmConfig, parseServeArgs } from '../config/index.ts';
import { isNodefarmError } from '../errors.ts';
import { createHost } from '../index.ts';
import { createJsonLogger } from '../server/index.ts';

/** Runs the command; resolves with the exit code once the host has stopped. */
export async function run(args: string[]): Promise<number> {
  const log = createJsonLogger('nodefarm');
  let config;
  let serveArgs;
  try {
    serveArgs = parseServeArgs(args);
    config = loadFarmConfig(serveArgs);
  } catch (err) {
    return reportError(err, 2);
  }
  for (const w of config.warnings) log.warn('config warning', { ...w });
  // Reloads (SIGHUP, a changed iisnode.yml) read the same sources again and keep the running socket folder.
  const socketDir = config.host.socketDir;
  const host = createHost({ config, log, workerOutput: 'capture', telemetryEnv: process.env, reloadConfig: () => loadFarmConfig(serveArgs, { socketDir }) });
  const onHangup = (): void => {
    log.info('SIGHUP received, reloading configuration', {});
    host.reload();
  };
  const deadline = Math.max(0, ...config.apps.map((a) => a.settings.gracefulShutdownTimeout));
  let signalled: (signal: NodeJS.Signals) => void = () => {};
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => (signalled = resolve));
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (++signals > 1) {
      // A second signal means "now": the exit handler kills the workers.
      log.warn('second signal, exiting at once', { signal });
      process.exit(1);
    }
    signalled(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', onHangup);
  try {
    await host.start();
  } catch (err) {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('SIGHUP', onHangup);
    return reportError(err, 1);
  }
  // Every module the host needs is loaded now: write the compile cache (bin/nodefarm.js) so the next start reuses
  // it even if this host is killed rather than stopped.
  flushCompileCache();
  const signal = await stopRequested;
  process.off('SIGHUP', onHangup);
  log.info('signal received, shutting down', { signal, deadlineMs: deadline });
  await host.shutdown(deadline);
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  // Nothing should remain, but a stray handle must not keep a stopped host alive.
  setTimeout(() => process.exit(0), 1000).unref();
  return 0;
}

function reportError(err: unknown, code: number): number {
  if (isNodefarmError(err)) {
    process.stderr.write(`nodefarm serve: ${err.message}\n  ${err.hint}\n`);
    return err.code === 'CLI_USAGE' ? 2 : code;
  }
  process.stderr.write(`nodefarm serve: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  return 1;
}
