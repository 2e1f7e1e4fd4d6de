import type { AppRuntime } from '../server/app-runtime.ts';

/**
 * Takes a replaced runtime out of service without failing its requests: requests still waiting in its
 * queue are served by its workers first, then each worker drains its requests in flight; whatever is left
 * when `gracefulShutdownTimeout` (from the start of the retirement) runs out is stopped (SIGTERM, SIGKILL
 * after the pool's kill timeout). New requests never reach it: the router already points at the successor.
 */
export async function retireRuntime(runtime: AppRuntime, drainMs = runtime.app.settings.gracefulShutdownTimeout): Promise<void> {
  const end = Date.now() + drainMs;
  while (runtime.dispatcher.stats().queueLength > 0 && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  runtime.dispatcher.close();
  await runtime.pool.stop(Math.max(0, end - Date.now()));
  await runtime.proxy.close();
}
