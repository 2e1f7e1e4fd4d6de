import type { RecycleStatus } from '../recycle/config.ts';
import type { AppStatus, HostStatus, WorkerStatus } from './status-snapshot.ts';

/** Human duration: `45s`, `3m 12s`, `2h 5m`, `3d 4h`. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '-';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

/** Memory in whole MB (MiB), as passenger-status prints it. */
export function formatMemory(bytes: number | null): string {
  return bytes === null ? '-' : `${Math.round(bytes / 1048576)} MB`;
}

/** The status as a text report shaped like `passenger-status`: host header, then per app a summary and a worker table. */
export function formatStatus(status: HostStatus): string {
  const lines = [
    `Farm: ${status.farmName}   Server: ${status.serverName}   Host pid: ${status.pid}   ` +
      `Uptime: ${formatDuration(status.uptime)}   Memory: ${formatMemory(status.rssBytes)}`,
    `Listening: ${status.listen}`,
  ];
  const sc = status.scheduling;
  if (sc) {
    lines.push(`Scheduling: ${sc.current} now (hostSchedulingPolicy ${sc.policy}), ${sc.switches} switches` +
      (sc.unavailable ? `; cannot change here: ${sc.unavailable}` : ''));
  }
  for (const app of status.apps) lines.push('', ...formatApp(app));
  return `${lines.join('\n')}\n`;
}

function formatApp(app: AppStatus): string[] {
  const q = app.queue;
  const lines = [
    `----------- App: ${app.name} (${app.state}) -----------`,
    `Script    : ${app.script}`,
    `Match     : ${app.match.hosts.length ? app.match.hosts.join(',') : '*'} ${app.match.pathPrefix}`,
    `Dispatch  : ${app.dispatchPolicy}, max ${app.maxConcurrentRequestsPerProcess} requests per worker, sticky ${app.stickySessions ? 'on' : 'off'}`,
    `Queue     : ${q.length} waiting (max ${q.capacity}); queued ${q.queued}, overflowed ${q.overflowed}, ` +
      `timed out ${q.timedOut}, abandoned ${q.abandoned}, refused ${q.refused}`,
    `Requests  : ${app.activeRequests} active, ${app.processed} processed by current workers; restarts ${app.restarts}`,
  ];
  if (app.errorReason) lines.push(`Error     : ${app.errorReason}`);
  if (app.recycle) lines.push(`Recycles  : ${formatRecycle(app.recycle)}`);
  lines.push('', ...table(
    ['SLOT', 'PID', 'STATE', 'ACTIVE', 'PROCESSED', 'UPTIME', 'MEMORY', 'RESTARTS', 'LAST EXIT'],
    app.workers.map(workerRow),
  ).map((l) => `  ${l}`));
  return lines;
}

function formatRecycle(r: RecycleStatus): string {
  const last = r.last ? `; last ${r.last.outcome}: ${r.last.reason}${r.last.error ? ` (${r.last.error})` : ''}` : '';
  const failure = r.lastFailure && r.lastFailure !== r.last && r.lastFailure.startedAt !== r.last?.startedAt
    ? `; last failure: ${r.lastFailure.error ?? r.lastFailure.reason}` : '';
  return `${r.recycles} done, ${r.failures} failed${r.state === 'recycling' ? ', one in progress' : ''}${last}${failure}`;
}

function workerRow(w: WorkerStatus): string[] {
  return [
    String(w.slot), w.pid === null ? '-' : String(w.pid), w.state, String(w.activeRequests), String(w.processed),
    formatDuration(w.uptime), formatMemory(w.rssBytes), String(w.restarts), w.lastExit ? w.lastExit.reason : '-',
  ];
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}
