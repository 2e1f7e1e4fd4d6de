import type { ClickHouseHttp } from './clickhouse-http.ts';
import { BENCH_FARM, MARKER_APP, markerBatch } from './host-spans.ts';
import type { OtlpPoster } from './post-otlp.ts';

/** One marker span: its end time (= when it was sent) and when the rollup query first showed it. */
interface Marker {
  readonly seq: number;
  readonly endMs: number;
  visibleMs: number | undefined;
}

/** Freshness of the markers that ended in a window. */
export interface FreshnessWindow {
  /** span end → visible, ms, sorted ascending. */
  readonly latenciesMs: number[];
  /** Markers of the window that never became visible (yet). */
  readonly missing: number;
}

export interface FreshnessProbe {
  window(fromMs: number, toMs: number): FreshnessWindow;
  /** Markers the gateway accepted (200): spans that must land in `spans` too. */
  accepted(): number;
  /** Markers sent but not seen yet. */
  pending(): number;
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Sends a one-span marker every `everyMs` (a SERVER span of app {@link MARKER_APP} whose `iisnode.node_pid`, and
 * so the rollup's `worker_pid`, is the marker's sequence number) and polls the per-minute rollup `requests_1m`
 * every `pollMs` for the sequence numbers that appeared. The rollup row is written by the materialized view in
 * the same INSERT as the span, so this measures span end → queryable in the dashboards' table.
 * The visible time is taken when the poll's answer arrives (an upper bound, at most one poll late).
 */
export function startFreshnessProbe(poster: OtlpPoster, ch: ClickHouseHttp, everyMs = 100, pollMs = 50): FreshnessProbe {
  const markers: Marker[] = [];
  const bySeq = new Map<number, Marker>();
  let stopping = false;
  let accepted = 0;
  const startMinute = Math.floor(Date.now() / 60_000) * 60;

  const send = async (): Promise<void> => {
    let seq = 0;
    const inFlight = new Set<Promise<void>>();
    while (!stopping) {
      seq++;
      const endMs = Date.now();
      const m: Marker = { seq, endMs, visibleMs: undefined };
      markers.push(m);
      bySeq.set(seq, m);
      const body = markerBatch(seq, endMs).body;
      // Sent without waiting for the answer, so a slow answer does not thin out the markers.
      const p = (async () => {
        for (let i = 0; i < 20; i++) {
          const r = await poster.post('/v1/traces', body);
          if (r.status === 200) accepted++;
          if (r.status !== 429 && r.status !== 503) return;
          await sleep(r.retryAfterMs ?? 1000);
        }
      })();
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      await sleep(Math.max(0, endMs + everyMs - Date.now()));
    }
    await Promise.all(inFlight);
  };

  let pollErrors = 0;
  const poll = async (): Promise<void> => {
    while (!stopping || markers.some((m) => m.visibleMs === undefined && Date.now() - m.endMs < 5_000)) {
      const started = Date.now();
      const firstPending = markers.find((m) => m.visibleMs === undefined);
      if (firstPending) {
        try {
          const rows = await ch.rows(`SELECT worker_pid FROM requests_1m WHERE minute >= toDateTime(${startMinute})
            AND farm = '${BENCH_FARM}' AND app = '${MARKER_APP}' AND worker_pid >= ${firstPending.seq} GROUP BY worker_pid`);
          const now = Date.now();
          for (const [pid] of rows) {
            const m = bySeq.get(Number(pid));
            if (m && m.visibleMs === undefined) m.visibleMs = now;
          }
        } catch {
          pollErrors++;
        }
      }
      await sleep(Math.max(0, started + pollMs - Date.now()));
    }
  };

  const sender = send();
  const poller = poll();
  return {
    window(fromMs, toMs) {
      const inWindow = markers.filter((m) => m.endMs >= fromMs && m.endMs < toMs);
      const latenciesMs = inWindow.filter((m) => m.visibleMs !== undefined)
        .map((m) => (m.visibleMs as number) - m.endMs).sort((a, b) => a - b);
      return { latenciesMs, missing: inWindow.length - latenciesMs.length };
    },
    accepted: () => accepted,
    pending: () => markers.filter((m) => m.visibleMs === undefined).length,
    async stop() {
      stopping = true;
      await sender;
      await poller;
      if (pollErrors > 0) process.stderr.write(`freshness: ${pollErrors} rollup polls failed\n`);
    },
  };
}
