import type { FarmConfig } from '../config/farm-config.ts';
import { isNodefarmError } from '../errors.ts';
import type { Logger } from '../server/logger.ts';

/** A freshly loaded configuration, or why it was refused. */
export type ReloadResult = { readonly ok: true; readonly farm: FarmConfig } | { readonly ok: false; readonly error: string };

/**
 * Loads the configuration again. A failure is logged with the error's file, line and key (the loader puts
 * them in the error details) and returned as a value: the caller keeps running the old configuration.
 */
export function tryReload(reloadConfig: (() => FarmConfig) | undefined, log: Logger): ReloadResult {
  if (!reloadConfig) {
    log.warn('configuration reload is not available (no config source); keeping the running config', {});
    return { ok: false, error: 'no configuration source to reload from' };
  }
  try {
    const farm = reloadConfig();
    for (const w of farm.warnings) log.warn('config warning', { ...w });
    return { ok: true, farm };
  } catch (err) {
    const fields = isNodefarmError(err) ? { code: err.code, ...err.details, error: err.message, hint: err.hint } : { error: String(err) };
    log.error('configuration reload failed; keeping the running config', fields);
    return { ok: false, error: isNodefarmError(err) ? err.message : String(err) };
  }
}
