import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { lookupStatus, statusCodes } from '../../../host/status-codes.ts';

describe('Status codes', () => {
  it('lists every code with its name, condition and fix in docs/status-codes.md', () => {
    const doc = readFileSync(path.join(import.meta.dirname, '../../../docs/status-codes.md'), 'utf8');
    for (const c of Object.values(statusCodes)) {
      const esc = (s: string): string => s.replace(/\|/g, '\\|');
      expect(doc).toContain(`| ${c.code} | ${c.name} | ${esc(c.condition)} | ${esc(c.fix)} |`);
    }
  });

  it('looks codes up by status and substatus', () => {
    expect(lookupStatus(500, 1002)?.name).toBe('worker exited before accepting');
    expect(lookupStatus(503, 1003)?.code).toBe('503.1003');
    expect(lookupStatus(404, 0)).toBeUndefined();
  });
});
