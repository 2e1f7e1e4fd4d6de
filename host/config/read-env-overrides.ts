import { NodefarmError } from '../errors.ts';
import type { ConfigWarning } from './farm-config.ts';
import { readSettingText, type SettingAssignment } from './setting-assignment.ts';
import { findSetting } from './settings-catalogue.ts';
import { compareText } from '../compare-text.ts';

/** The IISNODE_* variables that name settings, parsed, plus findings worth a warning. */
export interface EnvOverrides {
  readonly assignments: readonly SettingAssignment[];
  readonly warnings: readonly ConfigWarning[];
}

const PREFIX = 'IISNODE_';

/**
 * Reads `IISNODE_<setting>` variables (iisnode's middle layer: above web.config, below iisnode.yml). The
 * setting part is case-insensitive because iisnode ran where environment names are; two spellings of one
 * setting with different values are an error rather than a coin toss. An empty variable counts as unset
 * (Windows cannot hold empty variables, so iisnode never saw one). Variables that name no setting, such as
 * IISNODE_CONTROL_PIPE which the host itself gives to workers, are left alone.
 */
export function readEnvOverrides(env: Readonly<Record<string, string | undefined>>): EnvOverrides {
  const assignments = new Map<string, SettingAssignment & { readonly text: string }>();
  const warnings: ConfigWarning[] = [];
  for (const [variable, text] of Object.entries(env).sort(([a], [b]) => compareText(a, b))) {
    if (!variable.startsWith(PREFIX) || text === undefined || text === '') continue;
    const spec = findSetting(variable.slice(PREFIX.length));
    if (!spec) continue;
    const bad = (problem: string): NodefarmError =>
      new NodefarmError('CONFIG_ENV_INVALID', { variable, value: text, key: spec.name, problem });
    const result = readSettingText(spec, text, env);
    if (!result.ok) throw bad(result.problem);
    const earlier = assignments.get(spec.name);
    if (earlier && earlier.text !== text && earlier.source.kind === 'env') {
      throw bad(`conflicts with ${earlier.source.variable}='${earlier.text}'; set only one of them`);
    }
    for (const name of result.missing) {
      warnings.push({ key: spec.name, message: `${variable}: environment variable '${name}' is not set; it expanded to nothing` });
    }
    assignments.set(spec.name, { name: spec.name, value: result.value, source: { kind: 'env', variable }, text });
  }
  return {
    assignments: [...assignments.values()].map(({ name, value, source }) => ({ name, value, source })),
    warnings,
  };
}
