import { EXIT_REASON } from './semconv.ts';

/**
 * The `nodefarm.worker.reason` of a worker exit: `crash` when the host did not ask for it, otherwise taken
 * from why the host stopped the pool (the recycler's reason text), `shutdown` when nothing else applies.
 */
export function exitReason(expected: boolean, stopReason: string | undefined): string {
  if (!expected) return EXIT_REASON.crash;
  if (!stopReason) return EXIT_REASON.shutdown;
  if (stopReason.startsWith('recycle signal')) return EXIT_REASON.signalRecycle;
  if (stopReason.startsWith('config file changed') || stopReason.startsWith('configuration reloaded')) return EXIT_REASON.configReload;
  if (stopReason.startsWith('watched file changed')) return EXIT_REASON.fileChange;
  if (stopReason.includes('memory')) return EXIT_REASON.memoryLimit;
  return EXIT_REASON.recycle;
}
