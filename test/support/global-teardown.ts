/** Stops the services global-setup.ts started in this run (and only those). */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

export default async function globalTeardown(): Promise<void> {
  const started = (process.env.NODEFARM_TEST_STARTED ?? '').split(' ').filter(Boolean);
  if (started.length === 0) return;
  spawnSync('bash', [path.join(root, 'deploy/services.sh'), 'stop', ...started], { stdio: 'inherit' });
}
