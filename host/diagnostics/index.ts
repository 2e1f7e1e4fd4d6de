/**
 * Diagnostics for developers and operators, after iisnode's: the `iisnode-debug` response header and the page
 * that reads it, developer error pages for host-generated 5xx, X-Forwarded-For/-Proto and promoted server
 * variables, and Node's inspector for debugging. See docs/diagnostics.md.
 *
 * ```ts
 * const shared = createHostDiagnostics({ serverName });        // one per host
 * await shared.prepare(config.apps);                            // inspector ports, before workers spawn
 * let pool: WorkerPool | undefined;
 * const diag = createAppDiagnostics(app, shared, () => pool);  // one per app generation
 * pool = createWorkerPool({ app, ..., workerArgs: diag.workerArgs });
 * const proxy = createProxy({ ..., decorateResponseHeaders: diag.decorateResponseHeaders,
 *   rewriteRequestHeaders: diag.rewriteRequestHeaders, renderError: diag.renderError });
 * // front server: if (diag.handle(req, res)) return;  diag.countRequest();  diag.renderRejection(…)
 * ```
 */
import type { AppConfig } from '../config/farm-config.ts';
import type { Logger } from '../server/logger.ts';
import type { ResponseHeadInfo } from '../proxy/index.ts';
import type { WorkerPool } from '../workers/index.ts';
import { AppDiagnostics } from './app-diagnostics.ts';
import { diagnosticsOptionsFrom } from './config.ts';
import { HostDiagnostics, type HostDiagnosticsOptions } from './host-diagnostics.ts';

export { AppDiagnostics } from './app-diagnostics.ts';
export { HostDiagnostics, type HostDiagnosticsOptions } from './host-diagnostics.ts';
export { DEFAULT_DEBUG_HEADER_PATH, diagnosticsOptionsFrom, normalisePathSegment, type DiagnosticsOptions } from './config.ts';
export { DEBUG_HEADER, DebugHeaderBuilder, debugHeaderKeys, parseDebugHeader, TRACE_ID_KEY, type DebugHeaderFacts } from './debug-header.ts';
export { DEBUG_PAGE_CSP, debugHeaderLabels } from './debug-header-page.ts';
export { DEV_PAGE_CSP, renderDevErrorPage, type DevErrorFacts } from './dev-error-page.ts';
export { applyForwardedHeaders, endsWithEntry } from './forwarded-headers.ts';
export { parsePromoteServerVars, serverVariables } from './server-variables.ts';
export { DebugPortAllocator, parsePortRange } from './debug-ports.ts';
export { escapeHtml, escapeLogText } from './escape-html.ts';
export { readProcessMemory, MemorySampler, type ProcessMemory } from './process-memory.ts';

/** Creates the state shared by the diagnostics of all apps of one host. */
export function createHostDiagnostics(options: HostDiagnosticsOptions): HostDiagnostics {
  return new HostDiagnostics(options);
}

/**
 * Creates the diagnostics of one app generation. `pool` is read lazily (the pool needs `workerArgs` from
 * here first). Setting problems and ignored promoteServerVars names are logged once, as warnings.
 */
export function createAppDiagnostics(app: AppConfig, shared: HostDiagnostics, pool: () => WorkerPool | undefined,
  log?: Logger): AppDiagnostics {
  const { options, problems } = diagnosticsOptionsFrom(app);
  const diagnostics = new AppDiagnostics(app, options, shared, pool);
  for (const problem of problems) log?.warn('diagnostics setting ignored', { app: app.name, problem });
  if (diagnostics.unknownServerVars.length > 0) {
    log?.warn('promoteServerVars names ignored', {
      app: app.name, names: diagnostics.unknownServerVars.join(','),
      hint: 'see docs/diagnostics.md for the server variables nodefarm knows',
    });
  }
  if (options.debuggingEnabled) {
    log?.warn('debugging enabled', {
      app: app.name, workers: 1, ports: options.debuggerPortRange, url: `${options.pathPrefix}/${options.debuggerPathSegment}/`,
      hint: 'the app runs one worker with Node\'s inspector on 127.0.0.1; do not enable in production',
    });
  }
  return diagnostics;
}

/** Runs two response-header decorators in order; undefined when both are. */
export function chainDecorators(
  first: ((raw: string[], info: ResponseHeadInfo) => void) | undefined,
  second: ((raw: string[], info: ResponseHeadInfo) => void) | undefined,
): ((raw: string[], info: ResponseHeadInfo) => void) | undefined {
  if (!first || !second) return first ?? second;
  return (raw, info) => {
    first(raw, info);
    second(raw, info);
  };
}
