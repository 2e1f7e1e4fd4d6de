/**
 * Limits of the front HTTP server. They protect the host from slow or malformed clients; every one of them
 * ends in a clean HTTP answer (408, 431, 400) from Node's parser and never reaches a worker.
 */
export interface FrontServerOptions {
  /** The whole request head must arrive within this many ms (slowloris guard) → 408. */
  readonly headersTimeout: number;
  /** The whole request, body included, must arrive within this many ms → 408. 0 = no limit. */
  readonly requestTimeout: number;
  /** Idle time after which a keep-alive client connection is closed, ms. */
  readonly keepAliveTimeout: number;
  /** How often the timeouts above are checked, ms. */
  readonly connectionsCheckingInterval: number;
  /** Largest request head in bytes → 431 beyond. Defaults to the largest maxRequestBufferSize of the apps. */
  readonly maxHeaderSize: number | undefined;
}

/**
 * 20 s for a request head is generous for any real client and short enough that a slowloris attacker holds
 * a connection only briefly (Node's own default is 60 s). 300 s for a whole request lets large uploads
 * through on slow links. 5 s keep-alive is Node's default. Timeouts are checked every second instead of
 * Node's 30 s so that they hold to within a second.
 */
export const frontServerDefaults: FrontServerOptions = Object.freeze({
  headersTimeout: 20_000,
  requestTimeout: 300_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 1_000,
  maxHeaderSize: undefined,
});

/** Merges options over the defaults, rejecting nonsensical values. */
export function resolveFrontServerOptions(options: Partial<FrontServerOptions> = {}): FrontServerOptions {
  const resolved = { ...frontServerDefaults, ...options };
  for (const key of ['headersTimeout', 'requestTimeout', 'keepAliveTimeout', 'connectionsCheckingInterval'] as const) {
    const v = resolved[key];
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`server.${key} is invalid, expected a number >= 0, actual ${v}`);
  }
  if (resolved.headersTimeout === 0) throw new RangeError('server.headersTimeout is invalid, expected > 0, actual 0');
  return Object.freeze(resolved);
}
