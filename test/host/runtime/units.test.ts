import { describe, expect, it } from '@jest/globals';
import { readStickyIndex, stickyCookieValue } from '../../../host/dispatch/index.ts';
import { hostName } from '../../../host/server/index.ts';
import { formatDuration, formatMemory } from '../../../host/admin/index.ts';
import { splitCommandLine } from '../../../host/workers/index.ts';
import { summariseStderr } from '../../../host/workers/worker.ts';

describe('splitCommandLine', () => {
  it('splits words on whitespace and honours quotes and backslashes without expanding anything', () => {
    expect(splitCommandLine('node')).toEqual(['node']);
    expect(splitCommandLine('  /usr/bin/node   --max-old-space-size=512 ')).toEqual(['/usr/bin/node', '--max-old-space-size=512']);
    expect(splitCommandLine(`"/opt/my node/bin/node" --title 'a b' x\\ y "q\\"uote" $HOME`))
      .toEqual(['/opt/my node/bin/node', '--title', 'a b', 'x y', 'q"uote', '$HOME']);
    expect(splitCommandLine(`node ''`)).toEqual(['node', '']);
  });

  it('returns null for an unterminated quote', () => {
    expect(splitCommandLine('node "unterminated')).toBeNull();
  });
});

describe('sticky cookie', () => {
  it('reads the worker index the way iisnode does and ignores invalid values', () => {
    expect(readStickyIndex(undefined)).toBe(-1);
    expect(readStickyIndex('a=1; iisnode.session.cookie=3; b=2')).toBe(3);
    expect(readStickyIndex('iisnode.session.cookie=12')).toBe(12);
    expect(readStickyIndex('iisnode.session.cookie=1234567890')).toBe(-1);
    expect(readStickyIndex('iisnode.session.cookie=x')).toBe(-1);
    expect(readStickyIndex('iisnode.session.cookie=')).toBe(-1);
    expect(stickyCookieValue(1)).toBe('iisnode.session.cookie=1');
  });
});

describe('hostName', () => {
  it('lower-cases the Host header and drops the port, keeping IPv6 brackets', () => {
    expect(hostName('Example.TEST:8080')).toBe('example.test');
    expect(hostName('[::1]:80')).toBe('[::1]');
    expect(hostName(undefined)).toBe('');
  });
});

describe('status formatting', () => {
  it('prints durations and memory like passenger-status', () => {
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(192_000)).toBe('3m 12s');
    expect(formatDuration(7_500_000)).toBe('2h 5m');
    expect(formatDuration(null)).toBe('-');
    expect(formatMemory(50 * 1048576)).toBe('50 MB');
  });
});

describe('summariseStderr', () => {
  it('picks the error line of a crash and skips the Node version banner', () => {
    const tail = '/app/x.js:1\nthrow new Error("boom")\n^\n\nError: boom\n    at Object.<anonymous> (/app/x.js:1:7)\n\nNode.js v24.21.0\n';
    expect(summariseStderr(tail)).toBe('Error: boom');
    expect(summariseStderr('just a line\n')).toBe('just a line');
  });
});
