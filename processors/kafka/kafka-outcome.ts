/** Result of a Kafka call on the request path: a value, never a throw. */
export type KafkaOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** A short, single-line description of a kafkajs (or any) error for answers and logs. */
export function describeKafkaError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown; originalError?: unknown }).originalError ?? (err as { cause?: unknown }).cause;
  const inner = cause instanceof Error && cause.message !== err.message ? `: ${cause.message}` : '';
  return `${err.message}${inner}`.replace(/\s+/g, ' ').slice(0, 300);
}

/** Resolves with `promise`, or rejects after `ms` so that no caller waits longer than it promised. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
