import { readSettingText } from '../setting-assignment.ts';
import { findSetting } from '../settings-catalogue.ts';
import type { ImportedSetting, ImportFinding } from './config.ts';
import type { XmlElement } from './xml-reader.ts';

/** Mapped settings plus report lines for one `<iisnode>` element. */
export interface IisnodeMapping {
  readonly settings: ImportedSetting[];
  readonly mapped: ImportFinding[];
  readonly unmapped: ImportFinding[];
}

const WINDOWS_PATH = /(^|["'\s])([A-Za-z]:\\|\\\\)|\.exe\b|%programfiles(\(x86\))?%/i;

/**
 * Maps the attributes of `<system.webServer><iisnode …/>` onto nodefarm settings (same names, compared
 * case-insensitively as iisnode does). Left out, with the reason: unknown attributes, settings without a
 * Linux meaning, values that name Windows programs (node.exe, the interceptor under Program Files), and
 * values nodefarm would refuse. `node_env="%node_env%"` is iisnode's "inherit" and nodefarm's default.
 */
export function mapIisnodeAttributes(element: XmlElement): IisnodeMapping {
  const out: IisnodeMapping = { settings: [], mapped: [], unmapped: [] };
  for (const { name, value, line } of element.attributes) {
    const what = `<iisnode ${name}="${value}">`;
    const spec = findSetting(name);
    if (!spec) {
      out.unmapped.push({ line, what, note: 'not an iisnode setting (iisnode itself refuses the config: test 116)' });
      continue;
    }
    if (!spec.linuxMeaning) {
      out.unmapped.push({ line, what, note: `no meaning on Linux: ${spec.meaning}` });
      continue;
    }
    if ((spec.name === 'nodeProcessCommandLine' || spec.name === 'interceptor') && WINDOWS_PATH.test(value)) {
      out.unmapped.push({
        line, what,
        note: spec.name === 'interceptor'
          ? 'names the Windows interceptor; nodefarm captures stdout/stderr without one and runs the app directly'
          : 'names a Windows program; nodefarm runs `node` from PATH (set nodeProcessCommandLine to a Linux command if needed)',
      });
      continue;
    }
    if (spec.name === 'node_env' && value.toLowerCase() === '%node_env%') {
      out.mapped.push({ line, what, note: 'iisnode\'s "inherit NODE_ENV", which is nodefarm\'s default: nothing to write' });
      continue;
    }
    let text = value;
    if (spec.name === 'logDirectory' && text.includes('\\')) text = text.replaceAll('\\', '/');
    const check = readSettingText(spec, text, null);
    if (!check.ok) {
      out.unmapped.push({ line, what, note: `value refused: ${check.problem}` });
      continue;
    }
    out.settings.push({ name: spec.name, value: text, line });
    out.mapped.push({ line, what, note: `${spec.name}: ${text}${text !== value ? ' (folder separators turned into /)' : ''}` });
  }
  for (const child of element.children) {
    out.unmapped.push({ line: child.line, what: `<iisnode><${child.name}>`, note: 'iisnode has no child elements; ignored' });
  }
  return out;
}
