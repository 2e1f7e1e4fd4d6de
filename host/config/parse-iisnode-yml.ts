import { NodefarmError } from '../errors.ts';
import type { ConfigWarning } from './farm-config.ts';
import { suggest } from './did-you-mean.ts';
import { readSettingText, type SettingAssignment } from './setting-assignment.ts';
import { allSettingNames, findSetting, findYmlKey } from './settings-catalogue.ts';

/** What one iisnode.yml says: its assignments in file order, and non-fatal findings. */
export interface IisnodeYmlResult {
  readonly assignments: readonly SettingAssignment[];
  readonly warnings: readonly ConfigWarning[];
}

/**
 * Parses iisnode.yml with iisnode's rules (not YAML): one `key: value` per line; only the space character is
 * whitespace; `#` starts a comment anywhere, even inside quotes; the key ends at the first space or `:`; an
 * empty value changes nothing; unknown keys are ignored (reported as warnings); quotes stay in the value.
 * Throws NodefarmError CONFIG_INVALID naming file, line, key and value for the first bad line.
 */
export function parseIisnodeYml(
  text: string,
  file: string,
  env: Readonly<Record<string, string | undefined>>,
): IisnodeYmlResult {
  const assignments: SettingAssignment[] = [];
  const warnings: ConfigWarning[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const hash = raw.indexOf('#');
    const content = (hash === -1 ? raw : raw.slice(0, hash)).replace(/^ +/, '');
    if (content.replace(/ +$/, '') === '') return;
    const bad = (key: string, problem: string): NodefarmError =>
      new NodefarmError('CONFIG_INVALID', { file, line, key, value: content, problem });
    if (content.startsWith(':')) throw bad('(none)', `line '${content}' has no key before ':'`);
    const keyEnd = content.search(/[ :]/);
    const key = keyEnd === -1 ? content : content.slice(0, keyEnd);
    const afterKey = keyEnd === -1 ? '' : content.slice(keyEnd).replace(/^ +/, '');
    if (!afterKey.startsWith(':')) {
      throw bad(key, `expected 'key: value', found '${content}'${content.includes('\t') ? TAB_NOTE : ''}`);
    }
    const value = afterKey.slice(1).replace(/^ +/, '').replace(/ +$/, '');
    const spec = findYmlKey(key);
    if (!spec) {
      const known = findSetting(key);
      const message = known
        ? `'${key}' cannot be set in iisnode.yml (it names this file); line ignored`
        : `unknown setting '${key}' ignored${key.includes('\t') ? TAB_NOTE : didYouMean(key)}`;
      warnings.push({ file, line, key, message });
      return;
    }
    if (value === '') return; // iisnode: an empty value leaves the setting as it was
    const result = readSettingText(spec, value, env);
    if (!result.ok) throw bad(key, result.problem);
    for (const name of result.missing) {
      warnings.push({ file, line, key, message: `environment variable '${name}' is not set; it expanded to nothing` });
    }
    assignments.push({ name: spec.name, value: result.value, source: { kind: 'file', file, line } });
  });
  return { assignments, warnings };
}

const TAB_NOTE = ' (tabs are not whitespace in iisnode.yml; use spaces)';

function didYouMean(key: string): string {
  const match = suggest(key, allSettingNames());
  return match ? ` (did you mean '${match}'?)` : '';
}
