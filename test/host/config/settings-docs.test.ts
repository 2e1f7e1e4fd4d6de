import fs from 'node:fs';
import path from 'node:path';
import { defaultSettings, settingsCatalogue } from '../../../host/config/index.ts';

const docs = fs.readFileSync(path.resolve(import.meta.dirname, '../../../docs/configuration.md'), 'utf8');

/** The docs' settings table: setting name → its cells. */
function docsTable(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  const section = docs.slice(docs.indexOf('\n## Settings\n'), docs.indexOf('\n## iisnode.yml\n'));
  for (const line of section.split('\n')) {
    const m = /^\| `(\w+)` \|(.*)\|$/.exec(line);
    if (!m) continue;
    rows.set(m[1]!, m[2]!.split(/(?<!\\)\|/).map((c) => c.trim()));
  }
  return rows;
}

const show = (v: unknown): string => (v === Infinity ? '`Infinite`' : v === '' ? '(empty)' : `\`${String(v)}\``);

describe('Settings catalogue', () => {
  it('lists every setting in the docs table with the same type, defaults and Linux meaning', () => {
    const table = docsTable();
    expect([...table.keys()]).toEqual(settingsCatalogue.map((s) => s.name));
    for (const spec of settingsCatalogue) {
      const [type, nodefarmDefault, iisnodeDefault, ymlKeys, linux] = table.get(spec.name)!;
      expect({ name: spec.name, type: type!.split(':')[0] }).toEqual({ name: spec.name, type: spec.type });
      expect({ name: spec.name, nodefarmDefault }).toEqual({ name: spec.name, nodefarmDefault: show(spec.default) });
      const iis = spec.iisnodeDefault === null ? '—' : spec.iisnodeDefault === '' ? '(empty)' : `\`${spec.iisnodeDefault}\``;
      expect({ name: spec.name, iisnodeDefault }).toEqual({ name: spec.name, iisnodeDefault: iis });
      const keys = spec.ymlKeys.length ? spec.ymlKeys.map((k) => `\`${k}\``).join(', ') : 'not allowed';
      expect({ name: spec.name, ymlKeys }).toEqual({ name: spec.name, ymlKeys: keys });
      expect({ name: spec.name, linux }).toEqual({ name: spec.name, linux: spec.linuxMeaning ? 'yes' : 'no' });
    }
  });

  it('has a default for every setting of the IisnodeSettings contract', () => {
    const defaults = defaultSettings();
    expect(Object.keys(defaults)).toHaveLength(settingsCatalogue.length);
    expect(defaults).toMatchObject({
      devErrorsEnabled: false, maxConcurrentRequestsPerProcess: Infinity, maxNamedPipeConnectionRetry: 200,
      namedPipeConnectionRetryDelay: 250, nodeProcessCommandLine: 'node', interceptor: '',
      maxQueuedRequestsPerApplication: 1000, maxQueueWaitTime: 30000,
    });
  });
});
