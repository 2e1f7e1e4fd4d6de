import fs from 'node:fs';
import path from 'node:path';
import { resolveCollectorOptions } from '../../collector/config.ts';
import { NodefarmError } from '../errors.ts';
import { hostSchedulerDefaults, hostSchedulingPolicies, type HostSchedulingPolicy } from '../scheduler/config.ts';
import { hostDefaults, type ResolvedLoaderOptions } from './config.ts';
import type { HostSettings } from './farm-config.ts';
import type { NodefarmYml } from './parse-nodefarm-yml.ts';
import type { ServeArgs } from './parse-serve-args.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * The host part of the farm: command-line flags beat nodefarm.yml, which beats the defaults (loopback,
 * farm `default`, the machine's host name, a fresh socket folder with `admin.sock` in it).
 */
export function resolveHostSettings(
  args: ServeArgs, yml: NodefarmYml | undefined, options: ResolvedLoaderOptions,
): HostSettings {
  const fromCwd = (p: string): string => path.resolve(options.cwd, p);
  const ymlError = (line: number, key: string, problem: string): NodefarmError =>
    new NodefarmError('CONFIG_INVALID', { file: yml?.file ?? '(none)', line, key, problem });
  const usage = (problem: string): NodefarmError => new NodefarmError('CLI_USAGE', { problem });

  const listenAddress = args.listenAddress ?? yml?.listenAddress?.value ?? hostDefaults.listenAddress;
  if (/\s/.test(listenAddress) || listenAddress === '') {
    const problem = `invalid listen address '${listenAddress}': expected an IP address or host name`;
    throw args.listenAddress !== undefined ? usage(`--host: ${problem}`) : ymlError(yml?.listenAddress?.line ?? 1, 'listen.address', problem);
  }
  const port = args.port ?? yml?.port?.value;
  if (port === undefined && options.requirePort) {
    throw usage(yml ? `no port: add listen.port to ${yml.file} or pass --port <n>` : 'no port: pass --port <n> (0 picks a free port)');
  }

  const farmName = args.farmName ?? yml?.farmName?.value ?? hostDefaults.farmName;
  if (!NAME.test(farmName)) {
    const problem = `invalid farm name '${farmName}': use letters, digits, '.', '_' and '-'`;
    throw args.farmName !== undefined ? usage(`--farm-name: ${problem}`) : ymlError(yml?.farmName?.line ?? 1, 'farmName', problem);
  }
  const socketDir = args.socketDir !== undefined ? fromCwd(args.socketDir) : yml?.socketDir?.value ?? options.socketDir;
  const adminSocket = args.adminSocket !== undefined
    ? fromCwd(args.adminSocket)
    : yml?.adminSocket?.value ?? path.join(socketDir, hostDefaults.adminSocketName);

  const policy = args.hostSchedulingPolicy ?? yml?.hostSchedulingPolicy?.value ?? hostSchedulerDefaults.policy;
  if (!(hostSchedulingPolicies as readonly string[]).includes(policy)) {
    const problem = `invalid host scheduling policy '${policy}': expected ${hostSchedulingPolicies.join(', ')}`;
    throw args.hostSchedulingPolicy !== undefined
      ? usage(`--host-scheduling: ${problem}`)
      : ymlError(yml?.hostSchedulingPolicy?.line ?? 1, 'hostSchedulingPolicy', problem);
  }

  const host: { -readonly [K in keyof HostSettings]: HostSettings[K] } = {
    listenAddress, port: port ?? 0, farmName,
    serverName: args.serverName ?? yml?.serverName?.value ?? options.hostname,
    adminSocket, socketDir, hostSchedulingPolicy: policy as HostSchedulingPolicy,
  };
  const tls = resolveTls(args, yml, fromCwd);
  if (tls) host.tls = tls;
  if (yml?.telemetry) {
    // Checked with the collector's own rules now, so a bad value is reported with its file and line.
    const checked = resolveCollectorOptions(yml.telemetry.input);
    if (!checked.ok) throw ymlError(yml.telemetry.line, 'telemetry', checked.problems.join('; '));
    host.telemetry = yml.telemetry.input;
  }
  return host;
}

function resolveTls(
  args: ServeArgs, yml: NodefarmYml | undefined, fromCwd: (p: string) => string,
): HostSettings['tls'] {
  if ((args.tlsCertFile === undefined) !== (args.tlsKeyFile === undefined)) {
    throw new NodefarmError('CLI_USAGE', { problem: '--tls-cert and --tls-key go together: pass both or neither' });
  }
  const tls = args.tlsCertFile !== undefined && args.tlsKeyFile !== undefined
    ? { certFile: fromCwd(args.tlsCertFile), keyFile: fromCwd(args.tlsKeyFile) }
    : yml?.tls;
  if (!tls) return undefined;
  for (const file of [tls.certFile, tls.keyFile]) {
    if (!fs.existsSync(file)) {
      throw new NodefarmError('CONFIG_UNREADABLE', { file, problem: 'TLS file not found' });
    }
  }
  return tls;
}
