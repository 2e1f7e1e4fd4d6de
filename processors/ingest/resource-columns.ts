import { lookup, uintOf } from './attributes.ts';
import type { AttributeArrays } from './attributes.ts';

const U32 = 4_294_967_295;

/** Resource columns shared by spans, worker events and metrics. */
export interface ResourceColumns {
  readonly farm: string;
  readonly server: string;
  readonly app: string;
  readonly instance_id: string;
  readonly environment: string;
  readonly attrs: AttributeArrays;
}

/** The resource's hot columns (farm, server, app, instance, environment) and its attribute arrays. */
export function resourceColumns(attrs: AttributeArrays): ResourceColumns {
  const get = (k: string): string => lookup(k, attrs) ?? '';
  return {
    farm: get('nodefarm.farm'), server: get('host.name'), app: get('service.name'),
    instance_id: get('service.instance.id'), environment: get('deployment.environment'), attrs,
  };
}

/** host and worker pids: `iisnode.worker_pid` / `process.pid` is the host, `iisnode.node_pid` the worker. */
export function pidsOf(span: AttributeArrays, resource: AttributeArrays): { host_pid: number; worker_pid: number } {
  return {
    host_pid: uintOf(lookup('iisnode.worker_pid', span) ?? lookup('process.pid', span, resource), U32),
    worker_pid: uintOf(lookup('iisnode.node_pid', span, resource), U32),
  };
}

