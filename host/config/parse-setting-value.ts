import type { IisnodeSettings, IisnodeSettingName } from './iisnode-settings.ts';
import { uintMax, type SettingSpec } from './settings-catalogue.ts';

/** A parsed value, or why the text is not one (`problem` says what was expected). */
export type ParsedValue =
  | { readonly ok: true; readonly value: IisnodeSettings[IisnodeSettingName] }
  | { readonly ok: false; readonly problem: string };

const BOOLS: Readonly<Record<string, boolean>> = { true: true, false: false, 1: true, 0: false, yes: true, no: false };

/**
 * Reads one setting's text the same way wherever it comes from (iisnode.yml, IISNODE_* variables,
 * nodefarm.yml, command-line flags). Unlike iisnode, text that is not a number is an error, not 0.
 * Strings are returned as given (quotes are kept, as in iisnode); expansion is the caller's business.
 */
export function parseSettingValue(spec: SettingSpec, text: string): ParsedValue {
  switch (spec.type) {
    case 'string':
      return { ok: true, value: text };
    case 'bool': {
      const value = BOOLS[text.toLowerCase()];
      return value === undefined
        ? fail(text, 'expected true, false, 1, 0, yes or no')
        : { ok: true, value };
    }
    case 'uint':
      return parseUint(spec, text);
    case 'uint-or-infinite':
      return text.toLowerCase() === 'infinite' ? { ok: true, value: Infinity } : parseUint(spec, text, ' or Infinite');
    case 'enum': {
      const value = spec.values?.find((v) => v === text.toLowerCase());
      return value === undefined ? fail(text, `expected one of ${(spec.values ?? []).join(', ')}`) : { ok: true, value };
    }
    case 'port-range':
      return parsePortRange(text);
  }
}

function parseUint(spec: SettingSpec, text: string, alternative = ''): ParsedValue {
  const min = spec.min ?? 0;
  const expected = `expected a whole number from ${min} to ${uintMax}${alternative}`;
  if (/^-\d+$/.test(text)) return fail(text, `negative numbers are not allowed; ${expected}`);
  if (!/^\d+$/.test(text)) return fail(text, `not a whole number; ${expected}`);
  const value = Number(text);
  if (value < min || value > uintMax) return fail(text, `out of range; ${expected}`);
  return { ok: true, value };
}

function parsePortRange(text: string): ParsedValue {
  const expected = 'expected start[-end] with 1025 <= start <= end <= 65535';
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!m) return fail(text, `not a port range; ${expected}`);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start < 1025 || end > 65535 || end < start) return fail(text, `out of range; ${expected}`);
  return { ok: true, value: text };
}

function fail(text: string, problem: string): ParsedValue {
  return { ok: false, problem: `invalid value '${text}': ${problem}` };
}
