import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { NodefarmError } from '../../host/errors.ts';
import { parseVersion } from './server-version.ts';
import type { Version } from './server-version.ts';
import { splitStatements } from './split-statements.ts';

/** One numbered migration file, parsed. */
export interface MigrationFile {
  /** The four-digit number, which orders migrations and identifies them in the migrations table. */
  readonly id: number;
  /** File name without the extension, e.g. `0001_spans`. */
  readonly name: string;
  /** File name as on disk, for messages. */
  readonly file: string;
  /** sha256 of the file text (line endings normalised), recorded when applied. */
  readonly checksum: string;
  /** Minimum server version from a `-- requires: X.Y` header line; undefined means every version (portable base). */
  readonly requires: Version | undefined;
  /** The `-- requires:` text as written, for reports. */
  readonly requiresText: string | undefined;
  readonly statements: readonly string[];
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;
const REQUIRES = /^--\s*requires:\s*(\S+)\s*$/;

/** Reads every `NNNN_name.sql` in `dir`, sorted by number. Throws MIGRATE_BAD_FILE for a malformed set. */
export function loadMigrations(dir: string): MigrationFile[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (err) {
    throw new NodefarmError('MIGRATE_BAD_FILE', { file: dir, problem: `cannot read the folder (${(err as Error).message})` });
  }
  const byId = new Map<number, MigrationFile>();
  for (const file of entries.filter((e) => e.endsWith('.sql')).sort()) {
    const migration = parseMigration(file, readFileSync(path.join(dir, file), 'utf8'));
    const clash = byId.get(migration.id);
    if (clash) throw new NodefarmError('MIGRATE_BAD_FILE', { file, problem: `number ${migration.id} is also used by ${clash.file}` });
    byId.set(migration.id, migration);
  }
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** Parses one migration file's name and text. */
export function parseMigration(file: string, text: string): MigrationFile {
  const match = FILE_NAME.exec(file);
  if (!match) throw new NodefarmError('MIGRATE_BAD_FILE', { file, problem: 'name does not match NNNN_short_name.sql' });
  const normalised = text.replace(/\r\n/g, '\n');
  let requiresText: string | undefined;
  for (const line of normalised.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (!trimmed.startsWith('--')) break;
    const req = REQUIRES.exec(trimmed);
    if (req) requiresText = req[1];
  }
  const requires = requiresText === undefined ? undefined : parseVersion(requiresText);
  if (requiresText !== undefined && !requires) {
    throw new NodefarmError('MIGRATE_BAD_FILE', { file, problem: `'-- requires: ${requiresText}' is not a version like 22.8` });
  }
  const statements = splitStatements(normalised);
  if (statements.length === 0) throw new NodefarmError('MIGRATE_BAD_FILE', { file, problem: 'holds no statement' });
  return {
    id: Number(match[1]),
    name: file.slice(0, -'.sql'.length),
    file,
    checksum: createHash('sha256').update(normalised).digest('hex'),
    requires,
    requiresText,
    statements,
  };
}
