// Helpers for the log capture tests: each test runs the fixture app from its own temp folder, so its log
// folder (relative to the app) is private to the test and removed afterwards.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IisnodeSettings } from '../../../host/config/iisnode-settings.ts';
import type { Host } from '../../../host/index.ts';
import { parseLogFileName, type LogFileInfo } from '../../../host/logs/index.ts';
import { cleanup as cleanupHosts, startHost } from '../runtime/helpers.ts';

const tempDirs: string[] = [];

/** Shuts hosts down, then removes the temp app folders. Call from afterEach. */
export async function cleanup(): Promise<void> {
  await cleanupHosts();
  while (tempDirs.length) rmSync(tempDirs.pop()!, { recursive: true, force: true });
}

/** Starts a host whose one app is a fresh copy of fixtures/logging-app.cjs, with output captured. */
export async function startLoggingApp(settings: Partial<IisnodeSettings> = {}): Promise<{ host: Host; base: string; appDir: string }> {
  const appDir = mkdtempSync(join(tmpdir(), 'nodefarm-logs-'));
  tempDirs.push(appDir);
  const script = join(appDir, 'server.cjs');
  copyFileSync(join(import.meta.dirname, 'fixtures', 'logging-app.cjs'), script);
  const { host, base } = await startHost([{ script, settings }], { workerOutput: 'capture' });
  return { host, base, appDir };
}

/** File names in a folder, sorted; empty when it does not exist. */
export function listFolder(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** The log files of a folder, parsed. */
export function logFiles(dir: string): LogFileInfo[] {
  return listFolder(dir).map((f) => parseLogFileName(f)).filter((f): f is LogFileInfo => f !== undefined);
}

/** The files index.html links to (decoded), sorted; empty when there is no index. */
export function indexLinks(dir: string): string[] {
  let html: string;
  try {
    html = readFileSync(join(dir, 'index.html'), 'utf8');
  } catch {
    return [];
  }
  return [...html.matchAll(/<a href="([^"]*)">/g)].map((m) => decodeURIComponent(m[1]!.replace(/&amp;/g, '&'))).sort();
}

export function readText(dir: string, file: string): string {
  return readFileSync(join(dir, file), 'utf8');
}
