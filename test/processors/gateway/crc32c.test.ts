/** The producer's CRC-32C against kafkajs's own, and that kafkajs picks it up when loaded after it. */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createRequire } from 'node:module';
import { crc32c } from '../../../processors/kafka/fast-crc32c.ts';

const repo = path.resolve(import.meta.dirname, '../../..');

describe('Fast CRC-32C', () => {
  it('gives the values of the Castagnoli check value and of kafkajs\'s implementation for every length up to 300', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    const require = createRequire(import.meta.url);
    const theirs = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as (b: Buffer) => number;
    for (let n = 0; n <= 300; n += 1) {
      const b = randomBytes(n);
      expect(crc32c(b)).toBe(theirs(b));
    }
    const big = randomBytes(1 << 20);
    expect(crc32c(big.subarray(3, 100_003))).toBe(theirs(big.subarray(3, 100_003)));
  });

  it('is what kafkajs uses in a process that imports the Kafka client', () => {
    // A plain Node process: the test runner has a module registry of its own.
    const script = `
      import { crc32c } from './processors/kafka/fast-crc32c.ts';
      import './processors/kafka/kafka-client.ts';
      import { createRequire } from 'node:module';
      const used = createRequire(import.meta.url)('kafkajs/src/protocol/recordBatch/crc32C/index.js');
      process.stdout.write(String(used === crc32c));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repo, encoding: 'utf8' });
    expect(out).toBe('true');
  });
});
