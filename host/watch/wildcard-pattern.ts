/**
 * A file-name wildcard as a RegExp: `*` = any run of characters, `?` = one character, everything else
 * literal. Case-sensitive, because Linux file names are (iisnode matched case-insensitively on NTFS).
 */
export function wildcardPattern(name: string): RegExp {
  let source = '';
  for (const ch of name) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}
