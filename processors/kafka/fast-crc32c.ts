import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * CRC-32C (Castagnoli), eight bytes per step ("slicing by 8"). kafkajs checksums every record batch it produces
 * with a byte-at-a-time loop, which was about a tenth of the gateway's CPU; this computes the same value several
 * times faster. Importing this module before kafkajs makes kafkajs use it (see the bottom of the file).
 */

const POLY = 0x82f63b78; // reflected Castagnoli polynomial
const T = new Int32Array(8 * 256);
for (let b = 0; b < 256; b += 1) {
  let c = b;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  T[b] = c;
}
for (let b = 0; b < 256; b += 1) {
  for (let t = 1; t < 8; t += 1) {
    const prev = T[(t - 1) * 256 + b] as number;
    T[t * 256 + b] = (prev >>> 8) ^ (T[prev & 0xff] as number);
  }
}

/** The CRC-32C of `buf`, unsigned. */
export function crc32c(buf: Uint8Array): number {
  let crc = -1;
  let i = 0;
  const n = buf.length;
  const end8 = n - (n & 7);
  while (i < end8) {
    const a = crc ^ ((buf[i] as number) | ((buf[i + 1] as number) << 8) | ((buf[i + 2] as number) << 16) | ((buf[i + 3] as number) << 24));
    crc = (T[1792 + (a & 0xff)] as number) ^ (T[1536 + ((a >>> 8) & 0xff)] as number)
      ^ (T[1280 + ((a >>> 16) & 0xff)] as number) ^ (T[1024 + (a >>> 24)] as number)
      ^ (T[768 + (buf[i + 4] as number)] as number) ^ (T[512 + (buf[i + 5] as number)] as number)
      ^ (T[256 + (buf[i + 6] as number)] as number) ^ (T[buf[i + 7] as number] as number);
    i += 8;
  }
  for (; i < n; i += 1) crc = (T[(crc ^ (buf[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/**
 * Puts {@link crc32c} in Node's module cache under the path of kafkajs's own CRC-32C module, so that kafkajs
 * loads it instead. Works only before kafkajs is first loaded; afterwards (or if kafkajs moved the file) it
 * changes nothing and kafkajs keeps its own, equal, implementation. Returns whether it took effect.
 */
function installForKafkajs(): boolean {
  const require = createRequire(import.meta.url);
  let file: string;
  try {
    file = path.join(path.dirname(require.resolve('kafkajs')), 'src/protocol/recordBatch/crc32C/index.js');
    require.resolve(file);
  } catch {
    return false;
  }
  const user = path.join(path.dirname(file), '..', 'v0', 'index.js');
  if (require.cache[user] || require.cache[file]) return false;
  const own = { id: file, filename: file, loaded: true, exports: crc32c, children: [], paths: [], path: path.dirname(file) };
  require.cache[file] = own as unknown as NodeJS.Module;
  return true;
}

/** Whether kafkajs in this process checksums with {@link crc32c}. */
export const kafkajsUsesFastCrc = installForKafkajs();
