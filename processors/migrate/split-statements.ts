/**
 * Splits a migration file into single statements. ClickHouse's HTTP interface runs one statement per request
 * (18.16 has no multi-statement mode), so the split must respect quoting: a `;` inside a string literal, a
 * quoted identifier or a comment does not end a statement. Comments are dropped from the output so a
 * statement never starts or ends with one (some old servers reject a trailing comment after the last token).
 */
export function splitStatements(text: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i] as string;
    const next = text[i + 1];
    if (ch === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? n : end;
      continue;
    }
    if (ch === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
      current += ' ';
      continue;
    }
    if (ch === '\'' || ch === '"' || ch === '`') {
      const end = closingQuote(text, i);
      current += text.slice(i, end);
      i = end;
      continue;
    }
    if (ch === ';') {
      push(statements, current);
      current = '';
      i += 1;
      continue;
    }
    current += ch;
    i += 1;
  }
  push(statements, current);
  return statements;
}

/** Index just past the quote that closes the one at `start`; backslash escapes and doubled quotes count. */
function closingQuote(text: string, start: number): number {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\') { i += 2; continue; }
    if (ch === quote) {
      if (text[i + 1] === quote) { i += 2; continue; }
      return i + 1;
    }
    i += 1;
  }
  return text.length;
}

function push(out: string[], statement: string): void {
  const trimmed = statement.trim();
  if (trimmed !== '') out.push(trimmed);
}
