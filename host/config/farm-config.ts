import type { CollectorInput } from '../../collector/config.ts';
import type { HostSchedulingPolicy } from '../scheduler/config.ts';
import type { IisnodeSettingName, IisnodeSettings } from './iisnode-settings.ts';

/**
 * The validated, frozen configuration of one host: what the config loader produces and the runtime consumes.
 * `nodefarm serve app.js --port N` produces a farm of one app; a nodefarm.yml produces several.
 */
export interface FarmConfig {
  readonly host: HostSettings;
  readonly apps: readonly AppConfig[];
  /** Non-fatal findings (settings without a Linux meaning, ignored keys); logged once at start. */
  readonly warnings: readonly ConfigWarning[];
}

export interface HostSettings {
  /** Address the front HTTP server binds, e.g. 127.0.0.1 or 0.0.0.0. */
  readonly listenAddress: string;
  readonly port: number;
  /** PEM files; when present the front server speaks HTTPS. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** Farm name (telemetry resource `nodefarm.farm`, status output). */
  readonly farmName: string;
  /** Server name (iisnode-debug `server` key, telemetry `host.name`); defaults to the OS host name. */
  readonly serverName: string;
  /** Unix socket of the local-only admin endpoint (`nodefarm status`, `nodefarm recycle`). */
  readonly adminSocket: string;
  /** Folder for worker sockets (PORT) and control sockets; a fresh temp folder by default. */
  readonly socketDir: string;
  /** How Linux schedules the host process: adaptive (normal, SCHED_BATCH while the workers are saturated), batch, normal. */
  readonly hostSchedulingPolicy: HostSchedulingPolicy;
  /** nodefarm.yml `telemetry:` (validated); absent when the file has none. See docs/telemetry.md. */
  readonly telemetry?: CollectorInput;
}

export interface AppConfig {
  /** Unique name (defaults to the script's base name without extension). */
  readonly name: string;
  /** Absolute path of the app's entry script. */
  readonly script: string;
  /** Absolute folder of the script: the workers' cwd and the base of relative settings. */
  readonly dir: string;
  /** Which requests reach this app. An empty host list matches any Host header. */
  readonly match: { readonly pathPrefix: string; readonly hosts: readonly string[] };
  /** Extra environment for the workers (iisnode's appSettings). */
  readonly env: Readonly<Record<string, string>>;
  /** Every setting's effective value. */
  readonly settings: Readonly<IisnodeSettings>;
  /** Where each effective value came from. */
  readonly sources: Readonly<Record<IisnodeSettingName, SettingSource>>;
}

/** Where an effective value came from, for `nodefarm config print` and error messages. */
export type SettingSource =
  | { readonly kind: 'default' }
  | { readonly kind: 'derived'; readonly note: string }
  | { readonly kind: 'file'; readonly file: string; readonly line: number }
  | { readonly kind: 'env'; readonly variable: string }
  | { readonly kind: 'cli'; readonly flag: string };

export interface ConfigWarning {
  readonly file?: string;
  readonly line?: number;
  readonly key?: string;
  readonly message: string;
}
