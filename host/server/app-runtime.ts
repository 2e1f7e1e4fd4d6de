import type { AppConfig } from '../config/farm-config.ts';
import type { AppDiagnostics } from '../diagnostics/index.ts';
import type { Dispatcher } from '../dispatch/index.ts';
import type { Proxy } from '../proxy/index.ts';
import type { WorkerPool } from '../workers/index.ts';

/** Everything the host runs for one app. */
export interface AppRuntime {
  readonly app: AppConfig;
  readonly pool: WorkerPool;
  readonly dispatcher: Dispatcher;
  readonly proxy: Proxy;
  /** Sticky Set-Cookie values waiting to be added to a response (only used with sticky sessions). */
  readonly pendingCookies: WeakMap<object, string>;
  /** Debug header, dev error pages, forwarding headers, debugger URL (host/diagnostics); absent in bare runtimes. */
  readonly diagnostics?: AppDiagnostics;
}
