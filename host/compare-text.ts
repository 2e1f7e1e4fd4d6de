/**
 * Orders strings by UTF-16 code unit: deterministic, and unlike `localeCompare` it does not load ICU's collation
 * data, which stays in the host's memory (about 3 MB) once touched. Used for file and variable names, where a
 * locale's order means nothing.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
