import { createRequire } from 'node:module';

type YamlModule = typeof import('yaml');
let loaded: YamlModule | undefined;

/**
 * The yaml package, loaded on first use. Only nodefarm.yml needs it (iisnode.yml has its own reader), and
 * compiling it costs the host process about 10 MB of memory it would otherwise keep for nothing.
 */
export function yaml(): YamlModule {
  return (loaded ??= createRequire(import.meta.url)('yaml') as YamlModule);
}
