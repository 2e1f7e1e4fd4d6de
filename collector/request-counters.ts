/**
 * Exact request counts by app, status and substatus, kept whatever the span sampling does, so failure rates
 * stay exact. Keys are few (one per status.substatus seen), so the maps stay small.
 */
export class RequestCounters {
  readonly #byApp = new Map<string, Map<number, number>>();

  /** Counts one request. */
  add(app: string, status: number, substatus: number): void {
    let m = this.#byApp.get(app);
    if (!m) this.#byApp.set(app, (m = new Map()));
    // status × 100000 + substatus: one number key, no string building per request.
    const key = status * 100_000 + substatus;
    m.set(key, (m.get(key) ?? 0) + 1);
  }

  /** Every (app, status, substatus, count). */
  *entries(): Generator<{ app: string; status: number; substatus: number; count: number }> {
    for (const [app, m] of this.#byApp) {
      for (const [key, count] of m) yield { app, status: Math.floor(key / 100_000), substatus: key % 100_000, count };
    }
  }
}
