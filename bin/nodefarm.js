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
