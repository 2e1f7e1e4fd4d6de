/**
 * Quotes a value as a ClickHouse string literal. Needed because 18.16 has no server-side query parameters,
 * so the few values the migrator puts into SQL (names, checksums, owners) are escaped on the client.
 */
export function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, '\\\'')}'`;
}

/** Quotes an identifier (database or table name) with backticks. */
export function sqlIdentifier(name: string): string {
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}
