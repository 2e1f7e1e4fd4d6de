/**
 * ClickHouse TabSeparated text for the rows the ingester writes. TabSeparated is far cheaper than JSONEachRow
 * to produce here and to parse on the server, on 18.16 and current releases alike. One escaping serves both
 * places a string can be: a field (where tab, newline and backslash must be escaped) and a single-quoted array
 * element (where the quote and backslash must be): ClickHouse reads `\` + any character as that character
 * (`\t`, `\n`, `\r`, `\0` as the control characters), so escaping the union is exact in both.
 */

const SPECIAL = /[\\\t\n\r'\0]/;
const SPECIAL_ALL = /[\\\t\n\r'\0]/g;
const REPLACEMENT: Readonly<Record<string, string>> = {
  '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', "'": "\\'", '\0': '\\0',
};
const replace = (c: string): string => REPLACEMENT[c] as string;

/** A string escaped for a TabSeparated field or a quoted array element. */
export function tsvEscape(s: string): string {
  return SPECIAL.test(s) ? s.replace(SPECIAL_ALL, replace) : s;
}

/** An `Array(String)` field: `['a','b']`. */
export function tsvArray(items: readonly string[]): string {
  if (items.length === 0) return '[]';
  let out = "['";
  for (let i = 0; i < items.length; i += 1) {
    if (i > 0) out += "','";
    out += tsvEscape(items[i] as string);
  }
  return `${out}']`;
}

/** An `Array(Array(String))` field. */
export function tsvArrays(lists: readonly (readonly string[])[]): string {
  return `[${lists.map(tsvArray).join(',')}]`;
}

/** An `Array(UInt64)` field from decimal texts. */
export function tsvNumbers(items: readonly string[]): string {
  return `[${items.join(',')}]`;
}
