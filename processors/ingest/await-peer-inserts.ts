import type { LogSink } from '../kafka/log-sink.ts';
import { sleep } from './backoff.ts';
import type { ClickHouseStore } from './clickhouse-store.ts';

/** Query ids of one group's inserts: `nodefarm-ingest:<group>:<instance>:<n>`. */
export function insertIdPrefixes(groupId: string, instanceId: string): { group: string; own: string } {
  const group = `nodefarm-ingest:${groupId}:`;
  return { group, own: `${group}${instanceId}:` };
}

/**
 * Before the first replay check after an assignment, waits until no insert of another ingester of the group that
 * started before the assignment is still running on the server. Such an insert belongs to the previous owner of a
 * partition (it started before that owner learned of the rebalance); checking before it lands would miss its
 * rows. Gives up after `timeoutMs` (a hung insert), with a warning.
 */
export async function awaitPeerInserts(store: ClickHouseStore, prefixes: { group: string; own: string },
  assignedAt: number, timeoutMs: number, log: LogSink): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    // One second of slack for the time between the rebalance and this ingester's assignment.
    const sinceAssignment = (Date.now() - assignedAt) / 1000 - 1;
    const running = await store.runningInserts(prefixes.group, prefixes.own, sinceAssignment);
    if (running === 0) return;
    if (Date.now() >= until) {
      log.warn('inserts of a previous partition owner are still running; checking without waiting longer', { running });
      return;
    }
    await sleep(50);
  }
}
