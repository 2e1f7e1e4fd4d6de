import type { ParentContext } from './traceparent.ts';

/** Decides, at the start of a request, whether its trace is kept (failed requests are kept regardless). */
export type HeadSampler = (traceId: string, parent: ParentContext | undefined) => boolean;

/**
 * Trace-id ratio sampling, optionally parent-based. The decision uses the last 13 hex digits of the trace id
 * (52 random bits), so every component that sees the same trace id and ratio decides the same way.
 */
export function createSampler(ratio: number, parentBased: boolean): HeadSampler {
  if (ratio >= 1 && !parentBased) return () => true;
  // Everything kept unless a parent says otherwise: no need to read the trace id.
  if (ratio >= 1) return (_traceId, parent) => parent?.sampled ?? true;
  const bound = ratio * 2 ** 52;
  return (traceId, parent) => {
    if (parentBased && parent) return parent.sampled;
    return parseInt(traceId.slice(-13), 16) < bound;
  };
}
