// Shared helpers for the host runtime tests: a FarmConfig built from the real defaults, a started host that
// is shut down after each test, and small HTTP helpers with no connection reuse.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { defaultSettings } from '../../../host/config/index.ts';
import type { AppConfig, FarmConfig } from '../../../host/config/farm-config.ts';
import type { IisnodeSettings } from '../../../host/config/iisnode-settings.ts';
import { createHost, type Host, type HostOptions } from '../../../host/index.ts';

export const fixtures = join(import.meta.dirname, 'fixtures');

/** Settings that keep failure tests fast: few, short connect retries. */
export const fastRetries: Partial<IisnodeSettings> = { maxNamedPipeConnectionRetry: 40, namedPipeConnectionRetryDelay: 50 };

export interface AppSpec {
  script: string;
  name?: string;
  settings?: Partial<IisnodeSettings>;
  env?: Record<string, string>;
  pathPrefix?: string;
  hosts?: string[];
}

/** A farm of the given apps on 127.0.0.1, port 0, with its own short socket folder. */
export function makeFarm(apps: AppSpec[]): FarmConfig {
  const socketDir = mkdtempSync(join(tmpdir(), 'nft-'));
  cleanups.push(() => rmSync(socketDir, { recursive: true, force: true }));
  const defaults = defaultSettings();
  const appConfigs: AppConfig[] = apps.map((a) => {
    const script = a.script.startsWith('/') ? a.script : join(fixtures, a.script);
    const settings: IisnodeSettings = {
      ...defaults,
      nodeProcessCommandLine: JSON.stringify(process.execPath),
      nodeProcessCountPerApplication: 1,
      ...a.settings,
    };
    return {
      name: a.name ?? basename(script).replace(/\.[^.]+$/, ''),
      script,
      dir: dirname(script),
      match: { pathPrefix: a.pathPrefix ?? '/', hosts: a.hosts ?? [] },
      env: a.env ?? {},
      settings,
      sources: {} as AppConfig['sources'],
    };
  });
  return {
    host: {
      listenAddress: '127.0.0.1', port: 0, farmName: 'test', serverName: 'test-server',
      adminSocket: join(socketDir, 'admin.sock'), socketDir, hostSchedulingPolicy: 'adaptive',
    },
    apps: appConfigs,
    warnings: [],
  };
}

const cleanups: (() => void | Promise<void>)[] = [];

/** Runs everything registered by the helpers; call from afterEach. */
export async function cleanup(): Promise<void> {
  while (cleanups.length) await cleanups.pop()!();
}

/** Starts a host for `apps`; it is shut down by `cleanup()`. */
export async function startHost(apps: AppSpec[], options: Partial<HostOptions> = {}): Promise<{ host: Host; base: string }> {
  const host = createHost({ workerOutput: 'ignore', ...options, config: options.config ?? makeFarm(apps) });
  cleanups.push(() => host.shutdown(2000));
  await host.start();
  const a = host.address()!;
  return { host, base: `http://127.0.0.1:${a.port}` };
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request with the path and headers sent exactly as given (no normalisation), on a fresh connection. */
export function rawRequest(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Starts a host for `config` speaking TLS with a fresh self-signed certificate (openssl) in its socket folder. */
export async function startTlsHost(config: FarmConfig): Promise<{ host: Host; port: number }> {
  const certFile = join(config.host.socketDir, 'cert.pem');
  const keyFile = join(config.host.socketDir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  const { host } = await startHost([], { config: { ...config, host: { ...config.host, tls: { certFile, keyFile } } } });
  return { host, port: host.address()!.port };
}

/** GETs `path` over HTTPS (the certificate is not checked) and returns the body as text. */
export function httpsText(port: number, path: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, rejectUnauthorized: false, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Writes `data` on one connection and returns everything received until the server closes it (or `ms` pass). */
export function converse(port: number, data: string | string[], ms = 5000): Promise<{ text: string; closedAfterMs: number; firstByteAfterMs: number }> {
  return new Promise((resolve) => {
    let text = '';
    const started = Date.now();
    let firstByteAfterMs = -1;
    const s = connect(port, '127.0.0.1', () => {
      const parts = Array.isArray(data) ? data : [data];
      let i = 0;
      const next = (): void => {
        s.write(parts[i++]!);
        if (i < parts.length) setTimeout(next, 50);
      };
      next();
    });
    s.setEncoding('latin1');
    s.on('data', (c: string) => {
      if (firstByteAfterMs < 0) firstByteAfterMs = Date.now() - started;
      text += c;
    });
    s.on('error', () => {});
    const timer = setTimeout(() => s.destroy(), ms);
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closedAfterMs: Date.now() - started, firstByteAfterMs });
    });
  });
}

/** One request on a fresh connection. */
export function httpGet(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  const u = new URL(url);
  return rawRequest(u.origin, `${u.pathname}${u.search}`, headers, method);
}

/** Polls `check` every 25 ms until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Linux scheduling policies as /proc reports them. */
export const SCHED_OTHER = 0;
export const SCHED_BATCH = 3;

/** The scheduling policy of a process's main thread: field 41 of /proc/<pid>/stat (counted after the parenthesised name). */
export function policyOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
}
