import { describe, expect, it } from '@jest/globals';
import { resolveHostSchedulerOptions, SaturationDetector } from '../../../host/scheduler/index.ts';

const options = resolveHostSchedulerOptions({ enterSamples: 2, leaveSamples: 3, minRequests: 100 });
const saturated = { busy: 1, acquired: 1000, queued: 900 };
const busyNotQueued = { busy: 0.99, acquired: 1000, queued: 100 }; // every request dispatched at once
const moderate = { busy: 0.75, acquired: 1000, queued: 600 }; // paced load: queues in bursts, workers often idle
const idle = { busy: 0, acquired: 0, queued: 0 };

describe('SaturationDetector', () => {
  it('enters batch only after enterSamples saturated samples in a row', () => {
    const d = new SaturationDetector(options);
    expect(d.observe([saturated])).toBe('stay');
    expect(d.observe([moderate])).toBe('stay'); // the streak breaks
    expect(d.observe([saturated])).toBe('stay');
    expect(d.observe([saturated])).toBe('enter-batch');
    expect(d.batch).toBe(true);
  });

  it('stays normal for busy workers whose requests do not queue, for moderate load, and for too few requests', () => {
    const d = new SaturationDetector(options);
    for (let i = 0; i < 5; i++) {
      expect(d.observe([busyNotQueued])).toBe('stay');
      expect(d.observe([moderate])).toBe('stay');
      expect(d.observe([{ busy: 1, acquired: 99, queued: 99 }])).toBe('stay');
    }
    expect(d.batch).toBe(false);
  });

  it('takes any saturated app as reason enough', () => {
    const d = new SaturationDetector(options);
    d.observe([idle, saturated]);
    expect(d.observe([saturated, idle])).toBe('enter-batch');
  });

  it('keeps batch while the workers stay busy, even when nothing queues any more, and leaves after leaveSamples quiet ones', () => {
    const d = new SaturationDetector(options);
    d.observe([saturated]);
    d.observe([saturated]);
    for (let i = 0; i < 5; i++) expect(d.observe([busyNotQueued])).toBe('stay');
    expect(d.observe([moderate])).toBe('stay');
    expect(d.observe([moderate])).toBe('stay');
    expect(d.observe([{ busy: 0.95, acquired: 10, queued: 0 }])).toBe('stay'); // busy again: the count restarts
    expect(d.observe([moderate])).toBe('stay');
    expect(d.observe([idle])).toBe('stay');
    expect(d.observe([moderate])).toBe('leave-batch');
    expect(d.batch).toBe(false);
  });
});

describe('resolveHostSchedulerOptions', () => {
  it('fills in the defaults and rejects values that cannot work, naming them', () => {
    expect(resolveHostSchedulerOptions().policy).toBe('adaptive');
    expect(() => resolveHostSchedulerOptions({ leaveBusy: 0.99, enterBusy: 0.9 })).toThrow(/leaveBusy 0.99 is above enterBusy 0.9/);
    expect(() => resolveHostSchedulerOptions({ enterQueued: 0 })).toThrow(/enterQueued 0: expected a share/);
    expect(() => resolveHostSchedulerOptions({ sampleMs: 1 })).toThrow(/sampleMs 1: expected an integer ≥ 10/);
    // @ts-expect-error a policy from outside the type
    expect(() => resolveHostSchedulerOptions({ policy: 'fast' })).toThrow(/policy 'fast': expected adaptive, batch, normal/);
  });
});
