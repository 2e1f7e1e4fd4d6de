import { CONTRACT_VERSION, RESOURCE } from './semconv.ts';
import type { AttrValue } from './span-record.ts';

/** What every resource of one host shares. */
export interface ResourceBase {
  readonly farmName: string;
  readonly serverName: string;
  readonly instanceId: string;
  readonly environment: string;
  readonly hostPid: number;
  readonly extra: Readonly<Record<string, string>>;
}

/** The service name of the host's own points (host memory, span counters). */
export const HOST_SERVICE_NAME = 'nodefarm';

/** Resource attributes by app name, built once per app; `''` is the host itself. */
export function createResourceOf(base: ResourceBase): (app: string) => Readonly<Record<string, AttrValue>> {
  const cache = new Map<string, Readonly<Record<string, AttrValue>>>();
  return (app) => {
    let r = cache.get(app);
    if (!r) {
      r = Object.freeze({
        ...base.extra,
        [RESOURCE.serviceName]: app || HOST_SERVICE_NAME,
        [RESOURCE.hostName]: base.serverName,
        [RESOURCE.serviceInstanceId]: base.instanceId,
        [RESOURCE.farm]: base.farmName,
        [RESOURCE.environment]: base.environment,
        [RESOURCE.processPid]: base.hostPid,
        [RESOURCE.contractVersion]: CONTRACT_VERSION,
      });
      cache.set(app, r);
    }
    return r;
  };
}
