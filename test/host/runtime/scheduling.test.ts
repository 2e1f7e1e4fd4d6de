import { afterEach, describe, expect, it } from '@jest/globals';
import { findExecutable, schedulingLauncher } from '../../../host/workers/scheduling.ts';
import { cleanup, httpGet, policyOf, SCHED_BATCH, SCHED_OTHER, startHost } from './helpers.ts';

afterEach(cleanup);

const linux = process.platform === 'linux';
const batchHere = !('unavailable' in schedulingLauncher('batch'));

describe('nodeProcessSchedulingPolicy', () => {
  (linux ? it : it.skip)('starts workers under SCHED_BATCH by default, with the worker\'s own pid', async () => {
    const { host, base } = await startHost([{ script: 'hello.cjs' }]);
    const reply = await httpGet(`${base}/`);
    expect(reply.status).toBe(200);
    const worker = host.apps[0]!.pool.slots[0]!.worker!;
    expect(reply.headers['x-worker-pid']).toBe(String(worker.pid)); // chrt exec'd the app: the pid the host tracks is the app's
    expect(policyOf(worker.pid)).toBe(batchHere ? SCHED_BATCH : SCHED_OTHER);
  });

  (linux ? it : it.skip)('keeps the normal policy when set to normal', async () => {
    const { host, base } = await startHost([{ script: 'hello.cjs', settings: { nodeProcessSchedulingPolicy: 'normal' } }]);
    expect((await httpGet(`${base}/`)).status).toBe(200);
    expect(policyOf(host.apps[0]!.pool.slots[0]!.worker!.pid)).toBe(SCHED_OTHER);
  });

  (linux ? it : it.skip)('says why batch cannot be applied when chrt is not on PATH', () => {
    const launcher = schedulingLauncher('batch', '/nonexistent-dir');
    expect(launcher.prefix).toEqual([]);
    expect('unavailable' in launcher && launcher.unavailable).toMatch(/chrt \(util-linux\) is not on PATH/);
  });
});

describe('findExecutable', () => {
  it('finds a bare name on PATH, resolves a path with a slash against cwd, and reports a missing one', () => {
    expect(findExecutable('node', process.env.PATH)).toMatch(/\/node$/);
    expect(findExecutable('nodefarm-no-such-node', process.env.PATH)).toBeUndefined();
    expect(findExecutable('./node', undefined, '/nonexistent-dir')).toBeUndefined();
    expect(findExecutable(`./${process.execPath.split('/').pop()!}`, undefined, process.execPath.replace(/\/[^/]+$/, ''))).toBe(process.execPath);
  });
});
