export { createFrontServer, type Router } from './front-server.ts';
export { frontServerDefaults, resolveFrontServerOptions, type FrontServerOptions } from './config.ts';
export { createJsonLogger, silentLogger, type Logger, type LogLevel } from './logger.ts';
export { RouteTable, hostName } from './route-table.ts';
export { hostErrorBody, sendHostError, sendUpgradeError } from './host-error.ts';
export type { AppRuntime } from './app-runtime.ts';
export {
  rejectedChannel, requestChannel, workerChannel, type RejectedEvent, type RequestEvent, type WorkerEvent,
} from './channels.ts';
