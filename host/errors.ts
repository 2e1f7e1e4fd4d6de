/**
 * The project's one error catalogue. Every error nodefarm raises on purpose has a stable code here,
 * a message template, and a hint that names the fix. Codes are never reused once retired.
 *
 * Hot paths do not throw: expected request outcomes (a worker that never listened, a full queue) are
 * values carrying an HTTP status/substatus (see host/status-codes.ts once it exists). These errors are for
 * configuration, start-up and tooling, where refusing with a clear message is the right answer.
 *
 * Sections: CONFIG_* (configuration), HOST_* (runtime), GATEWAY_* (OTLP gateway), INGEST_* (ingester),
 * MIGRATE_* (ClickHouse migrations), CLI_* (command line). Add entries to the matching section.
 */

export interface ErrorSpec {
  /** One line; `{name}` placeholders are filled from the details. */
  readonly message: string;
  /** What the user should do about it. */
  readonly hint: string;
  /** Whether trying again later can succeed without a change by the user. */
  readonly retriable?: boolean;
}

export const errorCatalogue = {
  // CONFIG_*
  CONFIG_INVALID: {
    message: '{file}:{line}: {key}: {problem}',
    hint: 'Fix the value in that file; `nodefarm config print` shows each effective setting and where it came from.',
  },
  CONFIG_ENV_INVALID: {
    message: 'environment variable {variable}: {problem}',
    hint: 'Fix or unset that IISNODE_* variable; it uses the same values as iisnode.yml.',
  },
  CONFIG_UNREADABLE: {
    message: '{file}: {problem}',
    hint: 'Check the path and its permissions; relative paths are resolved from the current folder.',
  },
  // HOST_*
  HOST_LISTEN_FAILED: {
    message: 'cannot listen on {address}:{port}: {problem}',
    hint: 'Pick a free port (--port) or stop the process that holds it; ports below 1024 need privileges.',
  },
  HOST_ADMIN_SOCKET_FAILED: {
    message: 'cannot open the admin socket {path}: {problem}',
    hint: 'Another host may already use this admin socket; give each host its own adminSocket, or stop the other one.',
  },
  HOST_SOCKET_DIR_FAILED: {
    message: 'cannot use {path} for worker sockets: {problem}',
    hint: 'Make socketDir a writable folder with a short path (Unix socket paths are limited to 107 bytes).',
  },
  HOST_TELEMETRY_INVALID: {
    message: 'invalid telemetry settings: {problems}',
    hint: 'Fix the telemetry options or the OTEL_* variables named; docs/telemetry.md lists each with its allowed values.',
  },
  // GATEWAY_*
  GATEWAY_CONFIG_INVALID: {
    message: 'gateway configuration: {problems}',
    hint: 'Fix the named options (flags `nodefarm gateway --help`, or NODEFARM_GATEWAY_* variables); docs/gateway.md lists each with its default.',
  },
  GATEWAY_LISTEN_FAILED: {
    message: 'the gateway cannot listen on {address}:{port}: {reason}',
    hint: 'Pick a free port with --port (4318 is the OTLP/HTTP default) or stop the process that holds it.',
  },
  // INGEST_*
  INGEST_CONFIG_INVALID: {
    message: 'ingester configuration: {problems}',
    hint: 'Fix the named options (flags `nodefarm ingest --help`, or NODEFARM_INGEST_* / NODEFARM_CLICKHOUSE_* variables); docs/ingester.md lists each with its default.',
  },
  INGEST_SCHEMA_MISSING: {
    message: 'ClickHouse database {database} at {url} lacks the nodefarm schema ({missing})',
    hint: 'Run `nodefarm migrate` against the same --url and --database first; the ingester never creates tables.',
  },
  // MIGRATE_*
  MIGRATE_CONFIG_INVALID: {
    message: 'migrate option {key} is invalid, expected {expected}, actual {actual}',
    hint: 'Fix the flag or the NODEFARM_CLICKHOUSE_* environment variable; `nodefarm migrate --help` lists them.',
  },
  MIGRATE_BAD_FILE: {
    message: 'migration file {file}: {problem}',
    hint: 'Migration files are named NNNN_short_name.sql (four-digit unique id), hold one or more ;-separated ' +
      'statements, and may start with a `-- requires: <version>` line. See docs/schema.md.',
  },
  MIGRATE_CHECKSUM_MISMATCH: {
    message: 'migration {file} was changed after it was applied to {database} (recorded checksum {recorded}, file now {actual})',
    hint: 'Never edit an applied migration: restore the file as it was and put the change in a new numbered migration.',
  },
  MIGRATE_UNREACHABLE: {
    message: 'cannot reach ClickHouse at {url}: {error}',
    hint: 'Check --url / NODEFARM_CLICKHOUSE_URL, the credentials, and that the server is up (GET /ping answers "Ok.").',
    retriable: true,
  },
  MIGRATE_LOCK_TIMEOUT: {
    message: 'migration lock on {database} is held by {owner}; gave up after {seconds} s',
    hint: 'Another `nodefarm migrate` is running; wait for it. A lock left by a killed migrator expires by itself ' +
      'after the lock TTL (--lock-ttl).',
    retriable: true,
  },
  MIGRATE_STATEMENT_FAILED: {
    message: 'migration {file}, statement {index} of {count} failed on {database}: {error}',
    hint: 'Fix the migration and run `nodefarm migrate` again; the migration is retried from its first statement, ' +
      'so every statement must be safe to repeat (IF NOT EXISTS, MODIFY).',
  },
  // CLI_*
  CLI_USAGE: {
    message: '{problem}',
    hint: 'Run `nodefarm help` for the commands and their options.',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errorCatalogue;

/** Details interpolated into the message; kept on the error for structured logs. */
export type ErrorDetails = Readonly<Record<string, string | number | boolean | undefined>>;

export class NodefarmError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  readonly retriable: boolean;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    const spec: ErrorSpec = errorCatalogue[code];
    super(spec.message.replace(/\{(\w+)\}/g, (_m, key: string) => String(details[key] ?? `{${key}}`)), options);
    this.name = 'NodefarmError';
    this.code = code;
    this.hint = spec.hint;
    this.retriable = spec.retriable ?? false;
    this.details = details;
  }
}

/** True for errors from this catalogue, so callers can print `message` and `hint` instead of a stack. */
export function isNodefarmError(err: unknown): err is NodefarmError {
  return err instanceof NodefarmError;
}
