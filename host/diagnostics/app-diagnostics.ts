import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyRequest } from '../proxy/index.ts';
import { performance } from 'node:perf_hooks';
import type { HostErrorInfo, RenderedError, ResponseHeadInfo } from '../proxy/index.ts';
import { renderPlainError } from '../proxy/host-error.ts';
import type { Worker, WorkerPool } from '../workers/index.ts';
import { IISNODE_COMPAT_VERSION, workerCount } from '../workers/config.ts';
import type { AppConfig } from '../config/farm-config.ts';
import type { DiagnosticsOptions } from './config.ts';
import { DEBUG_HEADER, DebugHeaderBuilder } from './debug-header.ts';
import { serveDebugHeaderPage } from './debug-header-page.ts';
import { DEV_PAGE_CSP, renderDevErrorPage } from './dev-error-page.ts';
import { applyForwardedHeaders } from './forwarded-headers.ts';
import type { HostDiagnostics } from './host-diagnostics.ts';
import { fetchInspectorTargets, sendInspectorPage } from './inspector-page.ts';
import { sendText } from './send-text.ts';
import { applyPromotedVariables, parsePromoteServerVars, type PromotedVariable } from './server-variables.ts';

type Decorate = (rawHeaders: string[], info: ResponseHeadInfo) => void;
type Rewrite = (req: ProxyRequest, rawHeaders: string[]) => string[];

/**
 * The diagnostics of one app generation: the proxy hooks (debug header, dev error pages, forwarding headers),
 * the inspector arguments for its workers, and the host-served URLs (debug header page, debugger page).
 * Every hook is undefined when its settings are off, so an app without diagnostics pays nothing per request.
 */
export class AppDiagnostics {
  readonly options: DiagnosticsOptions;
  /** Adds `iisnode-debug`; undefined when debugHeaderEnabled is off. */
  readonly decorateResponseHeaders: Decorate | undefined;
  /** enableXFF / promoteServerVars (and the debug header's clock); undefined when none is on. */
  readonly rewriteRequestHeaders: Rewrite | undefined;
  /** Dev error pages (and the debug header's hresult); undefined when both are off. */
  readonly renderError: ((info: HostErrorInfo) => RenderedError) | undefined;
  /** `--inspect=127.0.0.1:<port>` per spawned worker; undefined when debuggingEnabled is off. */
  readonly workerArgs: ((slot: number) => readonly string[]) | undefined;
  /** promoteServerVars names that are not known here (ignored). */
  readonly unknownServerVars: readonly string[];
  readonly #shared: HostDiagnostics;
  readonly #pool: () => WorkerPool | undefined;
  readonly #appProcesses: number;
  readonly #header: DebugHeaderBuilder | undefined;
  readonly #promoted: readonly PromotedVariable[];
  readonly #promotedNames: ReadonlySet<string>;
  readonly #pagePath: string | undefined;
  readonly #debugPath: string | undefined;
  readonly #starts = new WeakMap<ProxyRequest, number>();
  readonly #errnos = new WeakMap<ProxyRequest, string>();
  readonly #inspectorPorts = new Map<number, number>();
  /** Set by `?brk`: the next spawn waits for a debugger before running the app (`--inspect-brk`). */
  #breakNext = false;

  constructor(app: AppConfig, options: DiagnosticsOptions, shared: HostDiagnostics, pool: () => WorkerPool | undefined) {
    this.options = options;
    this.#shared = shared;
    this.#pool = pool;
    this.#appProcesses = workerCount(app);
    const { promoted, unknown } = parsePromoteServerVars(options.promoteServerVars);
    this.#promoted = promoted;
    this.#promotedNames = new Set(promoted.map((p) => p.header.toLowerCase()));
    this.unknownServerVars = unknown;
    if (options.debugHeaderEnabled) {
      this.#pagePath = `${options.pathPrefix}/${options.debugHeaderPathSegment}`;
      this.#header = new DebugHeaderBuilder({
        baseUrl: this.#pagePath, version: IISNODE_COMPAT_VERSION, nodeCommandLine: options.nodeProcessCommandLine,
        serverName: shared.serverName, hostPid: shared.hostPid,
      });
      this.decorateResponseHeaders = (raw, info) => this.#decorate(raw, info);
    }
    if (options.debugHeaderEnabled || options.enableXFF || promoted.length > 0) {
      this.rewriteRequestHeaders = (req, raw) => this.#rewrite(req, raw);
    }
    if (options.devErrorsEnabled || options.debugHeaderEnabled) this.renderError = (info) => this.#renderError(info);
    if (options.debuggingEnabled) {
      this.#debugPath = `${options.pathPrefix}/${options.debuggerPathSegment}`;
      const ports = shared.ports(options.debuggerPortRange);
      this.workerArgs = (slot) => {
        const port = ports.take();
        this.#inspectorPorts.set(slot, port);
        const flag = this.#breakNext ? '--inspect-brk' : '--inspect';
        this.#breakNext = false;
        return [`${flag}=127.0.0.1:${port}`];
      };
    }
  }

  /**
   * Counts the request (`worker_total_req`) and answers it when it is for the debug header page or the
   * debugger URL; true when answered (the app does not get it).
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    this.#shared.totalRequests++;
    if (!this.claims(req.url)) return false;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    if (path === this.#pagePath) {
      serveDebugHeaderPage(req, res);
      return true;
    }
    const debug = this.#debugPath;
    if (debug === undefined || !path.startsWith(debug)) return false;
    if (path === debug) { // iisnode: the segment without its slash is redirected, query kept
      res.writeHead(301, { Location: `${debug}/${q >= 0 ? url.slice(q) : ''}`, 'Content-Length': '0' }).end();
      return true;
    }
    if (path[debug.length] !== '/') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, '405 Method Not Allowed\n', { Allow: 'GET, HEAD' });
      return true;
    }
    const command = q >= 0 ? url.slice(q + 1).toLowerCase() : '';
    if (command === 'kill' || command === 'brk') this.#restartForDebugging(res, command === 'brk');
    else void this.#serveInspector(req, res);
    return true;
  }

  /** True when `url` is the debug header page or under the debugger URL ({@link handle} answers those). */
  claims(url: string | undefined): boolean {
    if (this.#pagePath === undefined && this.#debugPath === undefined) return false;
    const u = url ?? '/';
    const q = u.indexOf('?');
    const path = q >= 0 ? u.slice(0, q) : u;
    if (path === this.#pagePath) return true;
    const debug = this.#debugPath;
    return debug !== undefined && path.startsWith(debug) && (path.length === debug.length || path[debug.length] === '/');
  }

  /** Counts a request {@link handle} was not asked about: an upgrade, or one of the lean path (`worker_total_req`). */
  countRequest(): void {
    this.#shared.totalRequests++;
  }

  /**
   * The body of a 5xx the host answers before any worker is assigned (503.x from the dispatcher), or
   * undefined for the plain one.
   */
  renderRejection(status: number, substatus: number, reason: string): RenderedError | undefined {
    if (!this.options.devErrorsEnabled || status < 500) return undefined;
    const pool = this.#pool();
    // The most recent crash is the likely cause of a 503.1002; other rejections (a full queue) have none.
    const recent = pool?.logs?.stderrTails().find((t) => t.exited && t.text !== '');
    const lastExit = pool?.slots.map((s) => s.lastExit).filter((e) => e !== undefined).at(-1);
    const page = renderDevErrorPage({
      status, substatus, errno: undefined, app: this.options.appName, workerPid: undefined, retries: 0,
      workerState: [reason, pool?.errorReason ?? lastExit?.reason, recent && `stderr below: exited worker ${recent.pid}`]
        .filter(Boolean).join('; '),
      stderr: recent?.text ?? null,
    });
    return { contentType: 'text/html; charset=utf-8', body: page, headers: ['Content-Security-Policy', DEV_PAGE_CSP] };
  }

  #rewrite(req: ProxyRequest, raw: string[]): string[] {
    if (this.#header) this.#starts.set(req, performance.now());
    if (this.options.enableXFF) applyForwardedHeaders(req, raw);
    if (this.#promoted.length > 0) applyPromotedVariables(req, raw, this.#promoted, this.#promotedNames);
    return raw;
  }

  #decorate(raw: string[], info: ResponseHeadInfo): void {
    const shared = this.#shared;
    const req = info.req;
    const start = this.#starts.get(req);
    // Upgrades send their head after connecting, other requests before: subtract the connect time only there.
    const upgrade = (req as ProxyRequest & { upgrade?: boolean }).upgrade === true;
    const reqTimeMs = start === undefined ? 0 : performance.now() - start - (upgrade ? 0 : info.connectMs);
    const worker = info.target as Partial<Worker>;
    let appActive = 0;
    for (const slot of this.#pool()?.slots ?? []) appActive += slot.worker?.active ?? 0;
    let traceId: string | undefined;
    try {
      traceId = shared.traceIdOf?.(req);
    } catch {
      traceId = undefined;
    }
    const value = this.#header!.build({
      hostMemory: shared.memory.get(shared.hostPid),
      workerPid: info.target.pid,
      workerMemory: shared.memory.get(info.target.pid),
      appProcesses: this.#appProcesses,
      processActive: worker.active ?? 0,
      appActive,
      totalRequests: shared.totalRequests,
      retries: info.retries,
      reqTimeMs,
      hresult: info.hostError ? (this.#errnos.get(req) ?? 0) : 0,
      traceId,
    });
    for (let i = raw.length - 2; i >= 0; i -= 2) { // replace semantics: the app's own header goes
      if (raw[i]!.length === DEBUG_HEADER.length && raw[i]!.toLowerCase() === DEBUG_HEADER) raw.splice(i, 2);
    }
    raw.push(DEBUG_HEADER, value);
  }

  #renderError(info: HostErrorInfo): RenderedError {
    if (info.errno) this.#errnos.set(info.req, info.errno);
    if (!this.options.devErrorsEnabled || info.status < 500) return renderPlainError(info);
    const pool = this.#pool();
    const worker = info.target as Partial<Worker>;
    const pid = info.target.pid;
    const captured = pool?.logs ? (pool.logs.stderrTail(pid) ?? '') : undefined;
    const page = renderDevErrorPage({
      status: info.status, substatus: info.substatus, errno: info.errno, app: this.options.appName,
      workerPid: pid, retries: info.retries,
      workerState: worker.exit?.reason ?? (pid > 0 ? undefined : pool?.errorReason),
      stderr: captured ?? worker.stderrTail,
    });
    return { contentType: 'text/html; charset=utf-8', body: page, headers: ['Content-Security-Policy', DEV_PAGE_CSP] };
  }

  /**
   * iisnode's `?kill` and `?brk` debug commands, on Node's inspector: the app's worker is replaced at once (a
   * worker stuck at a breakpoint included); with `brk` the new one waits for a debugger before the app runs.
   */
  #restartForDebugging(res: ServerResponse, brk: boolean): void {
    const pool = this.#pool();
    const old = pool?.slots.find((s) => s.worker && !s.worker.hasExited())?.worker;
    if (!pool || pool.state === 'stopping' || pool.state === 'stopped') {
      sendText(res, 503, 'The app is stopping; nothing was restarted.\n');
      return;
    }
    this.#breakNext = brk;
    pool.recycle(0);
    this.#breakNext = false;
    const next = pool.slots[0]?.worker;
    const port = this.#inspectorPorts.get(0);
    sendText(res, 200, `${old ? `Worker ${old.pid} was stopped. ` : ''}Worker ${next?.pid ?? '(none)'} is starting with the ` +
      `inspector on 127.0.0.1:${port ?? '?'}${brk ? ', paused before the app\'s first line until a debugger attaches' : ''}. ` +
      `Open ${this.#debugPath}/ for the WebSocket URL.\n`);
  }

  async #serveInspector(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const slots = this.#pool()?.slots ?? [];
    const slot = slots.find((s) => s.worker && !s.worker.hasExited());
    const worker = slot?.worker ?? undefined;
    const port = slot ? this.#inspectorPorts.get(slot.index) : undefined;
    let targets: Awaited<ReturnType<typeof fetchInspectorTargets>> = [];
    let problem: string | undefined;
    if (!worker || port === undefined) problem = 'no worker of this app is running; it starts on the next request or after its restart delay';
    else {
      targets = await fetchInspectorTargets(port);
      if (typeof targets === 'string') {
        problem = targets;
        targets = [];
      }
    }
    sendInspectorPage(req, res, { app: this.options.appName, workerPid: worker?.pid, port, targets, problem });
  }
}
