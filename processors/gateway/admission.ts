/** Counters of the in-flight export requests. */
export interface AdmissionStats {
  readonly inFlightRequests: number;
  readonly inFlightBytes: number;
  /** Requests answered 429 since start. */
  readonly rejectedOverloaded: number;
}

/**
 * Bounds what the gateway holds in memory: a count of admitted requests (taken before the body is read)
 * and their decompressed bytes (added once known). A request alone is always admitted by bytes, so a
 * large but allowed body is never refused forever.
 */
export interface Admission {
  /** Takes a request slot, or false (answer 429). */
  enter(): boolean;
  /** Adds a read body's size to the slot taken by `enter`, or false (answer 429; the slot is kept until `leave`). */
  addBytes(bytes: number): boolean;
  /** Releases the slot and its bytes. */
  leave(bytes: number): void;
  stats(): AdmissionStats;
}

export function createAdmission(maxRequests: number, maxBytes: number): Admission {
  let requests = 0;
  let bytes = 0;
  let rejected = 0;
  return {
    enter() {
      if (requests >= maxRequests) {
        rejected += 1;
        return false;
      }
      requests += 1;
      return true;
    },
    addBytes(n) {
      if (bytes > 0 && bytes + n > maxBytes) {
        rejected += 1;
        return false;
      }
      bytes += n;
      return true;
    },
    leave(n) {
      requests -= 1;
      bytes -= n;
    },
    stats: () => ({ inFlightRequests: requests, inFlightBytes: bytes, rejectedOverloaded: rejected }),
  };
}
