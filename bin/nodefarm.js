#!/usr/bin/env node
// The `nodefarm` command. Each sub-command lives in its component and exports
// `run(args: string[]): Promise<number>` (the exit code); this file only picks one.
// The sources are TypeScript run directly by Node 24's type stripping, so Node 24 is required.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(`nodefarm needs Node.js 24 or newer (this is ${process.version}). ` +
    'Run it through npm (`npx nodefarm`), which puts the project\'s pinned Node first on PATH, or install Node 24.\n');
  process.exit(2);
}

// `serve` is the long-running host: restart it once (same pid, execve) with memory-lean settings. Under load V8
// grows the young generation to tens of MB by default; 4 MB semi-spaces cap it. Smaller is worse: at 2 MB,
// scavenges come so often that requests still in flight get promoted, and the old generation fills with their
// garbage (peak RSS at 28,000 req/s: 95-98 MB with 2 MB, mostly 84-86 MB with 4 MB, ~93 MB with 6 MB). V8 runs
// single-threaded: garbage collection and optimising compilation on the main thread. Background compile jobs each
// took their zone memory from malloc at the same time, and the peaks stayed behind in the heap (peak RSS at 42,000
// req/s: 78-96 MB with GC alone single-threaded, 74 MB in every run with both, at the same throughput). One malloc
// arena stops the remaining threads (libuv's pool) from each keeping their own.
// Flags given on the command line come after these, so they win; NODEFARM_HOST_FLAGS=0 turns the restart off.
const hostFlags = ['--max-semi-space-size=4', '--single-threaded'];
const reexec = process.env.NODEFARM_HOST_REEXEC;
if (reexec !== undefined) {
  delete process.env.NODEFARM_HOST_REEXEC; // the app's workers inherit the environment: leave them Node's defaults
  if (reexec === 'arena') delete process.env.MALLOC_ARENA_MAX;
} else if (process.argv[2] === 'serve' && process.env.NODEFARM_HOST_FLAGS !== '0' && typeof process.execve === 'function') {
  const env = { ...process.env, NODEFARM_HOST_REEXEC: process.env.MALLOC_ARENA_MAX === undefined ? 'arena' : 'flags' };
  env.MALLOC_ARENA_MAX ??= '1';
  try {
    process.execve(process.execPath, [process.execPath, ...hostFlags, ...process.execArgv, ...process.argv.slice(1)], env);
  } catch {
    // Not replaceable here (e.g. a worker thread): run with Node's defaults.
  }
}
// Compiled code and the type-stripped sources are cached on disk (NODE_COMPILE_CACHE, else the temp folder): later
// starts skip stripping, which otherwise leaves the TypeScript stripper's memory (~25 MB) in every host process.
const { default: nodeModule } = await import('node:module');
nodeModule.enableCompileCache?.();

/** Sub-command → module (relative to this file) and a one-line summary for `nodefarm help`. */
const commands = {
  serve: ['../host/cli/serve.ts', 'run one app (nodefarm serve app.js --port 8080) or a nodefarm.yml farm'],
  status: ['../host/cli/status.ts', 'show apps and workers of a running host'],
  recycle: ['../host/cli/recycle.ts', 'recycle one app of a running host (new workers first, no request lost)'],
  'import-webconfig': ['../host/cli/import-webconfig.ts', 'turn an IIS web.config into a nodefarm.yml'],
  config: ['../host/cli/config.ts', 'config print: each effective setting and where it came from'],
  gateway: ['../processors/gateway/cli.ts', 'OTLP/HTTP receiver that writes traces and metrics to Kafka'],
  ingest: ['../processors/ingest/cli.ts', 'consume OTLP records from Kafka into ClickHouse, exactly once'],
  migrate: ['../processors/migrate/cli.ts', 'create or upgrade the ClickHouse schema (and drop old partitions)'],
};

const [name, ...args] = process.argv.slice(2);
const entry = name ? commands[name] : undefined;
if (!entry) {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  const lines = Object.entries(commands).map(([c, [, help]]) => `  ${c.padEnd(width)}  ${help}`);
  const out = name && name !== 'help' && name !== '--help' ? process.stderr : process.stdout;
  if (out === process.stderr) out.write(`nodefarm: unknown command '${name}'\n`);
  out.write(`usage: nodefarm <command> [options]\n\n${lines.join('\n')}\n`);
  process.exit(out === process.stderr ? 2 : 0);
}
const mod = await import(new URL(entry[0], import.meta.url).href);
process.exitCode = await mod.run(args);
