import type { ProcessMemory } from './process-memory.ts';

/** The response header's name, as iisnode spells it. */
export const DEBUG_HEADER = 'iisnode-debug';

/** iisnode's 16 keys, in its order (`dns` is left out when the server has no name). */
export const debugHeaderKeys = Object.freeze([
  'iisnode_ver', 'node', 'dns', 'worker_pid', 'node_pid', 'worker_mem_ws', 'worker_mem_pagefile', 'node_mem_ws',
  'node_mem_pagefile', 'app_processes', 'process_active_req', 'app_active_req', 'worker_total_req', 'np_retry',
  'req_time', 'hresult',
] as const);

/** Optional key after the 16: the request's trace id, when telemetry provides one. */
export const TRACE_ID_KEY = 'trace_id';

/** What stays the same for every response of one app. */
export interface DebugHeaderStatics {
  /** Page the header points to; the fragment follows it after `#`. */
  readonly baseUrl: string;
  /** `iisnode_ver`: the iisnode release nodefarm follows. */
  readonly version: string;
  /** `node`: the nodeProcessCommandLine setting as configured. */
  readonly nodeCommandLine: string;
  /** `dns`: the server name; empty leaves the key out, as iisnode does when it cannot get the name. */
  readonly serverName: string;
  /** `worker_pid`: the host process (iisnode: the IIS worker process, w3wp). */
  readonly hostPid: number;
}

/** The per-response values. */
export interface DebugHeaderFacts {
  readonly hostMemory: ProcessMemory | undefined;
  readonly workerPid: number;
  readonly workerMemory: ProcessMemory | undefined;
  /** Configured worker count of the app (1 in debug mode), not the live count. */
  readonly appProcesses: number;
  /** Requests in flight on the worker that served this one, this one included. */
  readonly processActive: number;
  /** Requests in flight over all the app's workers. */
  readonly appActive: number;
  /** Requests the host has taken since it started, over all apps. */
  readonly totalRequests: number;
  /** Connect retries for this request. */
  readonly retries: number;
  /** Milliseconds from sending the request to the worker to having its response head. */
  readonly reqTimeMs: number;
  /** 0, or the system error code (ECONNREFUSED, …) of a host-generated answer. */
  readonly hresult: string | number;
  /** The request's trace id (32 hex), appended as `trace_id` when present. */
  readonly traceId?: string | undefined;
}

/**
 * Builds `iisnode-debug` values. The part that never changes (base URL, version, command line, server name,
 * host pid) is encoded once; each response only appends numbers. Values are URL-encoded (iisnode writes them
 * raw, which breaks on a command line with `&` or `#`).
 */
export class DebugHeaderBuilder {
  readonly prefix: string;

  constructor(statics: DebugHeaderStatics) {
    const e = encodeURIComponent;
    this.prefix = `${statics.baseUrl}#iisnode_ver=${e(statics.version)}&node=${e(statics.nodeCommandLine)}` +
      (statics.serverName ? `&dns=${e(statics.serverName)}` : '') + `&worker_pid=${statics.hostPid}`;
  }

  build(f: DebugHeaderFacts): string {
    const hresult = typeof f.hresult === 'number' ? f.hresult : encodeURIComponent(f.hresult);
    let value = `${this.prefix}&node_pid=${f.workerPid}` +
      `&worker_mem_ws=${f.hostMemory?.wsKb ?? 0}&worker_mem_pagefile=${f.hostMemory?.privateKb ?? 0}` +
      `&node_mem_ws=${f.workerMemory?.wsKb ?? 0}&node_mem_pagefile=${f.workerMemory?.privateKb ?? 0}` +
      `&app_processes=${f.appProcesses}&process_active_req=${f.processActive}&app_active_req=${f.appActive}` +
      `&worker_total_req=${f.totalRequests}&np_retry=${f.retries}&req_time=${Math.max(0, Math.round(f.reqTimeMs))}` +
      `&hresult=${hresult}`;
    if (f.traceId) value += `&${TRACE_ID_KEY}=${encodeURIComponent(f.traceId)}`;
    return value;
  }
}

/** Splits a header value back into its keys and decoded values, in order (for tests and tools). */
export function parseDebugHeader(value: string): { baseUrl: string; fields: [string, string][] } {
  const hash = value.indexOf('#');
  const baseUrl = hash >= 0 ? value.slice(0, hash) : value;
  const fragment = hash >= 0 ? value.slice(hash + 1) : '';
  const fields: [string, string][] = [];
  for (const pair of fragment.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = eq >= 0 ? pair.slice(0, eq) : pair;
    const raw = eq >= 0 ? pair.slice(eq + 1) : '';
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      decoded = raw;
    }
    fields.push([key, decoded]);
  }
  return { baseUrl, fields };
}
