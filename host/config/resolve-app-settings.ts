import type { ConfigWarning, SettingSource } from './farm-config.ts';
import type { IisnodeSettingName, IisnodeSettings } from './iisnode-settings.ts';
import type { SettingAssignment } from './setting-assignment.ts';
import { defaultSettings, settingsCatalogue } from './settings-catalogue.ts';

/** An app's effective settings, where each came from, and findings worth a warning. */
export interface ResolvedSettings {
  readonly settings: IisnodeSettings;
  readonly sources: Record<IisnodeSettingName, SettingSource>;
  readonly warnings: ConfigWarning[];
}

/**
 * Applies the layers in order (lowest first; a later assignment wins), then iisnode's derived defaults:
 * `nodeProcessCountPerApplication: 0` becomes the CPU count. Settings that mean nothing on Linux keep their
 * value (the runtime ignores them) and earn one warning when something set them.
 */
export function resolveAppSettings(
  appName: string,
  layers: readonly (readonly SettingAssignment[])[],
  cpuCount: number,
): ResolvedSettings {
  const settings = defaultSettings() as unknown as Record<string, unknown>;
  const sources = {} as Record<IisnodeSettingName, SettingSource>;
  for (const spec of settingsCatalogue) sources[spec.name] = { kind: 'default' };
  for (const layer of layers) {
    for (const { name, value, source } of layer) {
      settings[name] = value;
      sources[name] = source;
    }
  }
  const warnings: ConfigWarning[] = [];
  if (settings.nodeProcessCountPerApplication === 0) {
    const cpus = Math.max(1, cpuCount);
    settings.nodeProcessCountPerApplication = cpus;
    sources.nodeProcessCountPerApplication = {
      kind: 'derived',
      note: `0 (${describeSource(sources.nodeProcessCountPerApplication)}) = one worker per CPU, ${cpus} CPU${cpus === 1 ? '' : 's'}`,
    };
  }
  for (const spec of settingsCatalogue) {
    const source = sources[spec.name];
    if (spec.linuxMeaning || source.kind === 'default') continue;
    const where = source.kind === 'file' ? { file: source.file, line: source.line } : {};
    warnings.push({
      ...where, key: spec.name,
      message: `app '${appName}': ${spec.name} has no effect on Linux and is ignored${source.kind === 'file' ? '' : ` (${describeSource(source)})`}`,
    });
  }
  return { settings: settings as unknown as IisnodeSettings, sources, warnings };
}

/** A source as one short phrase: `default`, `file.yml:3`, `env IISNODE_x`, `flag --x`, or the derivation. */
export function describeSource(source: SettingSource): string {
  switch (source.kind) {
    case 'default': return 'default';
    case 'derived': return `derived: ${source.note}`;
    case 'file': return `${source.file}:${source.line}`;
    case 'env': return `env ${source.variable}`;
    case 'cli': return `flag ${source.flag}`;
  }
}
