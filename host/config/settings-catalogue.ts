import type { IisnodeSettingName, IisnodeSettings } from './iisnode-settings.ts';

/**
 * How a setting's text is read. `uint` is 0…4294967295 (iisnode's DWORD); `uint-or-infinite` also takes
 * `Infinite`; `port-range` is `start[-end]`; `enum` takes one of `values`.
 */
export type SettingType = 'uint' | 'uint-or-infinite' | 'bool' | 'string' | 'enum' | 'port-range';

/** One row of the catalogue: everything the loader, `config print` and the docs need about a setting. */
export interface SettingSpec {
  readonly name: IisnodeSettingName;
  readonly type: SettingType;
  /** nodefarm's default (what a setting is when nothing sets it). */
  readonly default: IisnodeSettings[IisnodeSettingName];
  /** iisnode's schema default as text, or `null` for nodefarm's own settings. */
  readonly iisnodeDefault: string | null;
  /** Keys accepted in iisnode.yml (case-insensitive); empty = cannot be set there. */
  readonly ymlKeys: readonly string[];
  /** Whether `${VAR}` / `%VAR%` are expanded in the value (iisnode's `expanded` settings). */
  readonly expanded: boolean;
  /** False for settings accepted only so existing iisnode configs load; setting them gives a warning. */
  readonly linuxMeaning: boolean;
  /** Smallest accepted number (uint types only); defaults to 0. */
  readonly min?: number;
  /** Accepted values for `enum`. */
  readonly values?: readonly string[];
  /** One line for `config print` and the docs. */
  readonly meaning: string;
}

const UINT_MAX = 4294967295;

/** The largest value a `uint` setting accepts (iisnode stores them as 32-bit DWORDs). */
export const uintMax = UINT_MAX;

const rows: { readonly [K in IisnodeSettingName]: Omit<SettingSpec, 'name' | 'default'> & { readonly default: IisnodeSettings[K] } } = {
  node_env: {
    type: 'string', default: '', iisnodeDefault: '%node_env%', ymlKeys: ['node_env'],
    expanded: true, linuxMeaning: true,
    meaning: 'NODE_ENV for the workers; empty leaves the inherited value alone.',
  },
  asyncCompletionThreadCount: {
    type: 'uint', default: 0, iisnodeDefault: '0',
    ymlKeys: ['asyncCompletionThreadCount'], expanded: false, linuxMeaning: false,
    meaning: 'IIS completion-port threads; on Linux libuv owns the thread pool (use UV_THREADPOOL_SIZE).',
  },
  nodeProcessCountPerApplication: {
    type: 'uint', default: 1, iisnodeDefault: '1',
    ymlKeys: ['nodeProcessCountPerApplication'], expanded: false, linuxMeaning: true,
    meaning: 'Workers per app; 0 means one per CPU.',
  },
  nodeProcessCommandLine: {
    type: 'string', default: 'node', iisnodeDefault: 'node.exe',
    ymlKeys: ['nodeProcessCommandLine'], expanded: true, linuxMeaning: true,
    meaning: 'Executable and arguments that start a worker (the `node` on PATH by default); the script is appended.',
  },
  interceptor: {
    type: 'string', default: '', iisnodeDefault: '"%programfiles%\\iisnode\\interceptor.js"',
    ymlKeys: ['interceptor'], expanded: true, linuxMeaning: true,
    meaning: 'Script run before the app; empty runs the app directly (logs are captured from stdout/stderr).',
  },
  maxConcurrentRequestsPerProcess: {
    type: 'uint-or-infinite', default: Infinity, iisnodeDefault: '1024',
    ymlKeys: ['maxConcurrentRequestsPerProcess'], expanded: false, linuxMeaning: true, min: 1,
    meaning: 'Requests one worker handles at once; beyond it requests queue (see maxQueuedRequestsPerApplication).',
  },
  maxNamedPipeConnectionRetry: {
    type: 'uint', default: 200, iisnodeDefault: '100',
    ymlKeys: ['maxNamedPipeConnectionRetry'], expanded: false, linuxMeaning: true,
    meaning: 'Connect retries to a worker\'s socket before 500.1001 / 503.1003.',
  },
  namedPipeConnectionRetryDelay: {
    type: 'uint', default: 250, iisnodeDefault: '250',
    ymlKeys: ['namedPipeConnectionRetryDelay'], expanded: false, linuxMeaning: true,
    meaning: 'Delay between connect retries, ms (retries × delay = how long a starting app may take).',
  },
  maxNamedPipeConnectionPoolSize: {
    type: 'uint', default: 512, iisnodeDefault: '512',
    ymlKeys: ['maxNamedPipeConnectionPoolSize'], expanded: false, linuxMeaning: true,
    meaning: 'Idle keep-alive connections kept per worker.',
  },
  maxNamedPipePooledConnectionAge: {
    type: 'uint', default: 30000, iisnodeDefault: '30000',
    ymlKeys: ['maxNamedPipePooledConnectionAge'], expanded: false, linuxMeaning: true,
    meaning: 'A pooled connection idle longer than this, ms, is closed instead of reused.',
  },
  initialRequestBufferSize: {
    type: 'uint', default: 4096, iisnodeDefault: '4096',
    ymlKeys: ['initialRequestBufferSize'], expanded: false, linuxMeaning: false,
    meaning: 'iisnode\'s first buffer size, bytes; Node\'s HTTP parser sizes its own buffers.',
  },
  maxRequestBufferSize: {
    type: 'uint', default: 65536, iisnodeDefault: '65536',
    ymlKeys: ['maxRequestBufferSize'], expanded: false, linuxMeaning: true, min: 1,
    meaning: 'Largest request header block, response header block or chunk header, bytes.',
  },
  uncFileChangesPollingInterval: {
    type: 'uint', default: 5000, iisnodeDefault: '5000',
    ymlKeys: ['uncFileChangesPollingInterval'], expanded: false, linuxMeaning: true, min: 1,
    meaning: 'Polling period, ms, for watched files on file systems without change notifications (NFS, CIFS).',
  },
  gracefulShutdownTimeout: {
    type: 'uint', default: 60000, iisnodeDefault: '60000',
    ymlKeys: ['gracefulShutdownTimeout'], expanded: false, linuxMeaning: true,
    meaning: 'How long a recycled worker may drain before SIGTERM, ms; 0 = no wait.',
  },
  logDirectory: {
    type: 'string', default: 'iisnode', iisnodeDefault: 'iisnode',
    ymlKeys: ['logDirectory'], expanded: true, linuxMeaning: true,
    meaning: 'Log folder, relative to the app\'s folder.',
  },
  debuggingEnabled: {
    type: 'bool', default: false, iisnodeDefault: 'true',
    ymlKeys: ['debuggingEnabled'], expanded: false, linuxMeaning: true,
    meaning: 'Start workers with Node\'s inspector on a loopback port from debuggerPortRange.',
  },
  debuggerExtensionDll: {
    type: 'string', default: '', iisnodeDefault: 'iisnode-inspector-0.7.3.dll',
    ymlKeys: ['debuggerExtensionDll'], expanded: false, linuxMeaning: false,
    meaning: 'The node-inspector DLL; Node\'s built-in inspector replaces it.',
  },
  debugHeaderEnabled: {
    type: 'bool', default: false, iisnodeDefault: 'false',
    ymlKeys: ['debugHeaderEnabled'], expanded: false, linuxMeaning: true,
    meaning: 'Add the iisnode-debug response header.',
  },
  debuggerVirtualDir: {
    type: 'string', default: '', iisnodeDefault: '',
    ymlKeys: ['debuggerVirtualDir'], expanded: false, linuxMeaning: false,
    meaning: 'Where iisnode unpacked node-inspector files; nothing is unpacked on Linux.',
  },
  debuggerPathSegment: {
    type: 'string', default: 'debug', iisnodeDefault: 'debug',
    ymlKeys: ['debuggerPathSegment'], expanded: false, linuxMeaning: true,
    meaning: 'URL segment after the app path that answers debugger requests.',
  },
  debuggerPortRange: {
    type: 'port-range', default: '5058-6058', iisnodeDefault: '5058-6058',
    ymlKeys: ['debugPortRange', 'debuggerPortRange'], expanded: false, linuxMeaning: true,
    meaning: 'Inspector ports, `start[-end]` with 1025 ≤ start ≤ end ≤ 65535.',
  },
  maxLogFileSizeInKB: {
    type: 'uint', default: 128, iisnodeDefault: '128',
    ymlKeys: ['maxLogFileSizeInKB'], expanded: false, linuxMeaning: true, min: 1,
    meaning: 'Size at which a log file rolls over, KB.',
  },
  maxTotalLogFileSizeInKB: {
    type: 'uint', default: 1024, iisnodeDefault: '1024',
    ymlKeys: ['maxTotalLogFileSizeInKB'], expanded: false, linuxMeaning: true, min: 1,
    meaning: 'Total size of the log folder, KB; the oldest files go first.',
  },
  maxLogFiles: {
    type: 'uint', default: 20, iisnodeDefault: '20',
    ymlKeys: ['maxLogFiles'], expanded: false, linuxMeaning: true, min: 1,
    meaning: 'Number of files kept in the log folder.',
  },
  loggingEnabled: {
    type: 'bool', default: true, iisnodeDefault: 'true',
    ymlKeys: ['loggingEnabled'], expanded: false, linuxMeaning: true,
    meaning: 'Capture workers\' stdout/stderr to files in logDirectory.',
  },
  devErrorsEnabled: {
    type: 'bool', default: false, iisnodeDefault: 'true',
    ymlKeys: ['devErrorsEnabled'], expanded: false, linuxMeaning: true,
    meaning: 'Host-generated 5xx answers carry an HTML diagnostic page (keep off in production).',
  },
  flushResponse: {
    type: 'bool', default: false, iisnodeDefault: 'false',
    ymlKeys: ['flushResponse'], expanded: false, linuxMeaning: true,
    meaning: 'Send each chunk of a chunked response to the client at once.',
  },
  watchedFiles: {
    type: 'string', default: '*.js;iisnode.yml', iisnodeDefault: '*.js;iisnode.yml',
    ymlKeys: ['watchedFiles'], expanded: true, linuxMeaning: true,
    meaning: '`;`-separated files (wildcards in the name part) whose change recycles the app.',
  },
  enableXFF: {
    type: 'bool', default: false, iisnodeDefault: 'false',
    ymlKeys: ['enableXFF'], expanded: false, linuxMeaning: true,
    meaning: 'Add or extend X-Forwarded-For and add X-Forwarded-Proto.',
  },
  promoteServerVars: {
    type: 'string', default: '', iisnodeDefault: '',
    ymlKeys: ['promoteServerVars'], expanded: false, linuxMeaning: true,
    meaning: 'Comma-separated server variables sent to the app as x-iisnode-<name> headers.',
  },
  configOverrides: {
    type: 'string', default: 'iisnode.yml', iisnodeDefault: 'iisnode.yml',
    ymlKeys: [], expanded: false, linuxMeaning: true,
    meaning: 'Name of the override file in the app\'s folder; empty = no override file.',
  },
  recycleSignalEnabled: {
    type: 'bool', default: false, iisnodeDefault: 'false',
    ymlKeys: ['recycleSignalEnabled'], expanded: false, linuxMeaning: true,
    meaning: 'Give workers IISNODE_CONTROL_PIPE; writing `recycle` to it recycles the app.',
  },
  idlePageOutTimePeriod: {
    type: 'uint', default: 0, iisnodeDefault: '0',
    ymlKeys: ['idlePageOutTimePeriod'], expanded: false, linuxMeaning: false,
    meaning: 'Windows working-set trimming; Linux pages out idle memory on its own.',
  },
  nodeProcessStickySessions: {
    type: 'bool', default: false, iisnodeDefault: 'false',
    ymlKeys: ['nodeProcessStickySessions'], expanded: false, linuxMeaning: true,
    meaning: 'Cookie-based worker affinity.',
  },
  dispatchPolicy: {
    type: 'enum', default: 'least-outstanding', iisnodeDefault: null,
    ymlKeys: ['dispatchPolicy'], expanded: false, linuxMeaning: true, values: ['least-outstanding', 'round-robin'],
    meaning: 'How a worker is chosen: fewest requests in flight, or iisnode\'s round robin.',
  },
  dispatchAheadMs: {
    type: 'uint', default: 1, iisnodeDefault: null,
    ymlKeys: ['dispatchAheadMs'], expanded: false, linuxMeaning: true,
    meaning: 'Work sent ahead to a busy worker, in ms of its recent throughput (at least 2 requests); more requests wait in the host for the first free worker. 0 = send at once.',
  },
  maxQueuedRequestsPerApplication: {
    type: 'uint', default: 1000, iisnodeDefault: null,
    ymlKeys: ['maxQueuedRequestsPerApplication'], expanded: false, linuxMeaning: true,
    meaning: 'Requests that may wait when every worker is at its cap; beyond it 503.1000. 0 = no waiting.',
  },
  maxQueueWaitTime: {
    type: 'uint', default: 30000, iisnodeDefault: null,
    ymlKeys: ['maxQueueWaitTime'], expanded: false, linuxMeaning: true,
    meaning: 'Longest wait in that queue, ms, before 503.1000. 0 = no waiting.',
  },
  nodeProcessSchedulingPolicy: {
    type: 'enum', default: 'batch', iisnodeDefault: null,
    ymlKeys: ['nodeProcessSchedulingPolicy'], expanded: false, linuxMeaning: true, values: ['batch', 'normal'],
    meaning: 'Linux scheduling class of the workers: batch (SCHED_BATCH: a woken worker waits for the running task\'s turn to end instead of preempting it) or normal. Same nice level and CPU share either way.',
  },
  logsPathSegment: {
    type: 'string', default: '', iisnodeDefault: null,
    ymlKeys: ['logsPathSegment'], expanded: false, linuxMeaning: true,
    meaning: 'URL segment after the app path that serves index.html and the log files read-only; empty = not served.',
  },
  debugHeaderPathSegment: {
    type: 'string', default: '_nodefarm/debug', iisnodeDefault: null,
    ymlKeys: ['debugHeaderPathSegment'], expanded: false, linuxMeaning: true,
    meaning: 'URL path after the app path of the page that shows an iisnode-debug header value.',
  },
};

/**
 * Every setting, in iisnode's schema order followed by nodefarm's own. This table is the single source of
 * defaults; docs/configuration.md repeats it and a test keeps the two equal. It is built from an object
 * keyed by setting name so that a setting added to IisnodeSettings without a row fails type-checking.
 */
export const settingsCatalogue: readonly SettingSpec[] = Object.entries(rows).map(
  ([name, row]) => ({ name: name as IisnodeSettingName, ...row }),
);

const byName = new Map<string, SettingSpec>();
const byYmlKey = new Map<string, SettingSpec>();
for (const spec of settingsCatalogue) {
  byName.set(spec.name.toLowerCase(), spec);
  for (const key of spec.ymlKeys) byYmlKey.set(key.toLowerCase(), spec);
}

/** The spec of a setting by its name (case-insensitive, like iisnode), or undefined. */
export function findSetting(name: string): SettingSpec | undefined {
  return byName.get(name.toLowerCase()) ?? aliasOf(name);
}

/** The spec for an iisnode.yml key (case-insensitive), or undefined for unknown keys. */
export function findYmlKey(key: string): SettingSpec | undefined {
  return byYmlKey.get(key.toLowerCase());
}

// iisnode's yml key for the port range is `debugPortRange`; accept it wherever the setting name is accepted.
function aliasOf(name: string): SettingSpec | undefined {
  return name.toLowerCase() === 'debugportrange' ? byName.get('debuggerportrange') : undefined;
}

/** Every setting's nodefarm default, as a fresh object. */
export function defaultSettings(): IisnodeSettings {
  const out: Record<string, unknown> = {};
  for (const spec of settingsCatalogue) out[spec.name] = spec.default;
  return out as unknown as IisnodeSettings;
}

/** All accepted setting names and yml keys, for did-you-mean suggestions. */
export function allSettingNames(): string[] {
  return [...new Set(settingsCatalogue.flatMap((s) => [s.name, ...s.ymlKeys]))];
}
