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
  // HOST_*
  // GATEWAY_*
  // INGEST_*
  // MIGRATE_*
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
