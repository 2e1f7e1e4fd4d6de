/**
 * Host configuration: iisnode.yml, IISNODE_* variables, nodefarm.yml and `serve` flags merged into one
 * validated, frozen FarmConfig (see docs/configuration.md).
 */
import type { LoaderOptions } from './config.ts';
import type { FarmConfig } from './farm-config.ts';
import { loadFarmConfig, loadFarmConfigFile } from './load-farm-config.ts';
import type { ServeArgs } from './parse-serve-args.ts';

export type { LoaderOptions } from './config.ts';
export type { AppConfig, ConfigWarning, FarmConfig, HostSettings, SettingSource } from './farm-config.ts';
export type { IisnodeSettingName, IisnodeSettings } from './iisnode-settings.ts';
export type { ServeArgs } from './parse-serve-args.ts';
export type { SettingSpec, SettingType } from './settings-catalogue.ts';
export { loadFarmConfig, loadFarmConfigFile } from './load-farm-config.ts';
export { parseServeArgs } from './parse-serve-args.ts';
export { parseIisnodeYml } from './parse-iisnode-yml.ts';
export { defaultSettings, findSetting, settingsCatalogue } from './settings-catalogue.ts';
export { describeSource } from './resolve-app-settings.ts';

/** A loader bound to one set of machine facts (environment, cwd, CPU count), e.g. for repeated reloads. */
export interface ConfigLoader {
  /** Same as loadFarmConfig with the bound options. */
  load(args: ServeArgs): FarmConfig;
  /** Same as loadFarmConfigFile with the bound options. */
  loadFile(configFile: string): FarmConfig;
}

/**
 * Creates a loader whose options stay fixed between calls. Pass `socketDir` to keep the socket folder of
 * a running host when it reloads (otherwise every load picks a new default name).
 */
export function createConfigLoader(options: LoaderOptions = {}): ConfigLoader {
  return {
    load: (args) => loadFarmConfig(args, options),
    loadFile: (configFile) => loadFarmConfigFile(configFile, options),
  };
}
