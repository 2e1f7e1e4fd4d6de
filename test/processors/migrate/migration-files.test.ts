import { isNodefarmError } from '../../../host/errors.ts';
import { loadMigrations, parseMigration } from '../../../processors/migrate/load-migrations.ts';
import { migrateDefaults } from '../../../processors/migrate/config.ts';
import { parseVersion, versionAtLeast } from '../../../processors/migrate/server-version.ts';
import { splitStatements } from '../../../processors/migrate/split-statements.ts';

describe('splitStatements', () => {
  it('splits on semicolons outside strings, quoted names and comments', () => {
    const sql = `-- a comment; not a split
      CREATE TABLE t (s String DEFAULT 'a;b', \`odd;name\` UInt8) ENGINE = Memory; /* x; y */
      SELECT 'it''s; fine', 'back\\'slash;'; -- trailing; comment
      ;;`;
    expect(splitStatements(sql)).toEqual([
      "CREATE TABLE t (s String DEFAULT 'a;b', `odd;name` UInt8) ENGINE = Memory",
      "SELECT 'it''s; fine', 'back\\'slash;'",
    ]);
  });
});

describe('Migration files', () => {
  it('reads a -- requires header as the minimum server version', () => {
    const m = parseMigration('0042_extra.sql', '-- requires: 22.8\n-- why\nALTER TABLE t MODIFY TTL d + INTERVAL 1 DAY;\n');
    expect(m).toMatchObject({ id: 42, name: '0042_extra', requiresText: '22.8', requires: [22, 8] });
    expect(m.statements).toHaveLength(1);
  });

  it('gives the same checksum whatever the line endings', () => {
    expect(parseMigration('0001_a.sql', 'SELECT 1;\r\n').checksum).toBe(parseMigration('0001_a.sql', 'SELECT 1;\n').checksum);
  });

  it.each([
    ['1_short.sql', 'SELECT 1', /NNNN_short_name/],
    ['0001_empty.sql', '-- nothing\n', /holds no statement/],
    ['0001_req.sql', '-- requires: soon\nSELECT 1', /not a version/],
  ])('refuses %s', (file, text, problem) => {
    let err: unknown;
    try { parseMigration(file, text); } catch (e) { err = e; }
    expect(isNodefarmError(err) && err.code).toBe('MIGRATE_BAD_FILE');
    expect((err as Error).message).toMatch(problem);
  });

  it('ships numbered migrations whose base needs no version and whose overlay does', () => {
    const all = loadMigrations(migrateDefaults.migrationsDir);
    expect(all.map((m) => m.id)).toEqual(all.map((_m, i) => i + 1));
    const firstOverlay = all.findIndex((m) => m.requires);
    expect(firstOverlay).toBeGreaterThan(0);
    expect(all.slice(firstOverlay).every((m) => m.requires)).toBe(true);
  });
});

describe('Server versions', () => {
  it('compares dotted versions numerically', () => {
    const v = (s: string): readonly number[] => parseVersion(s) ?? [];
    expect(versionAtLeast(v('18.16.1'), v('22.8'))).toBe(false);
    expect(versionAtLeast(v('26.9.2.1'), v('23.3'))).toBe(true);
    expect(versionAtLeast(v('22.8'), v('22.8.0'))).toBe(true);
    expect(versionAtLeast(v('22.10.1'), v('22.8'))).toBe(true);
    expect(parseVersion('22.8-lts')).toBeUndefined();
  });
});
