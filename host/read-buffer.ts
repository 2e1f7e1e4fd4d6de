/**
 * The one 64 KB buffer the host's sockets read into: lean-path client connections (server/shared-read-buffer.ts)
 * and connections to workers (proxy/worker-connection.ts). Node otherwise allocates 64 KB per read, shrinks it to
 * the bytes read and frees it at a later garbage collection: at tens of thousands of reads per second that malloc
 * churn cost a few µs of CPU per request and left the malloc heap fragmented at several MB. Read callbacks run one
 * at a time on the main thread and none starts inside another, so one buffer serves every socket, as long as each
 * read's bytes are consumed before its callback returns: whatever a reader keeps or hands on, it copies.
 */
export const sharedReadBuffer = Buffer.allocUnsafe(65_536);
