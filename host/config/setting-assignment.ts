import type { SettingSource } from './farm-config.ts';
import type { IisnodeSettingName, IisnodeSettings } from './iisnode-settings.ts';
import { expandVariables } from './expand-variables.ts';
import { parseSettingValue } from './parse-setting-value.ts';
import type { SettingSpec } from './settings-catalogue.ts';

/** One layer's say about one setting: the parsed value and where it came from. */
export interface SettingAssignment {
  readonly name: IisnodeSettingName;
  readonly value: IisnodeSettings[IisnodeSettingName];
  readonly source: SettingSource;
}

/** A parsed value plus the variables its expansion found unset, or what was wrong with the text. */
export type ReadResult =
  | { readonly ok: true; readonly value: IisnodeSettings[IisnodeSettingName]; readonly missing: readonly string[] }
  | { readonly ok: false; readonly problem: string };

/**
 * Expands (for the settings iisnode expands) and parses one setting's text. Every source goes through here,
 * so a value means the same in iisnode.yml, an IISNODE_* variable, nodefarm.yml and a flag.
 */
export function readSettingText(
  spec: SettingSpec,
  text: string,
  env: Readonly<Record<string, string | undefined>> | null,
): ReadResult {
  let input = text;
  let missing: readonly string[] = [];
  if (spec.expanded && env) {
    const expansion = expandVariables(text, env);
    input = expansion.text;
    missing = expansion.missing;
  }
  const parsed = parseSettingValue(spec, input);
  return parsed.ok ? { ok: true, value: parsed.value, missing } : parsed;
}
