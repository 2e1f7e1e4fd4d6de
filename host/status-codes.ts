/**
 * The host's HTTP status/substatus vocabulary (iisnode's, with their Linux meanings). One table used by the
 * proxy, error pages, the debug header and docs/status-codes.md. Codes are never reused for another meaning.
 */
export interface StatusCode {
  /** "<status>.<substatus>", e.g. "500.1001". */
  readonly code: string;
  readonly status: number;
  readonly substatus: number;
  /** Short name used in plain-text error bodies and logs. */
  readonly name: string;
  /** When nodefarm produces it on Linux. */
  readonly condition: string;
  /** What to do about it. */
  readonly fix: string;
}

function entry(status: number, substatus: number, name: string, condition: string, fix: string): StatusCode {
  return Object.freeze({ code: `${status}.${substatus}`, status, substatus, name, condition, fix });
}

const crashFix = 'Check whether the worker crashed or closed the connection: read its stderr log (logDirectory) for ' +
  'an uncaught exception or an out-of-memory kill, and make sure the app does not end sockets it did not open.';

/** Every status/substatus the host can report, keyed by "<status>.<substatus>". */
export const statusCodes = Object.freeze({
  '500.1000': entry(500, 1000, 'request dispatch failed',
    'The request could not be handed to a worker: the app could not be created or started (for example the ' +
    'node executable in nodeProcessCommandLine is missing).',
    'Check nodeProcessCommandLine and the app entry file, then the host log for the underlying error.'),
  '500.1001': entry(500, 1001, 'worker connection failed',
    'The worker never accepted a connection on its socket (PORT) within maxNamedPipeConnectionRetry × ' +
    'namedPipeConnectionRetryDelay ms; the last error was ENOENT (socket file absent: the app never called ' +
    'listen(process.env.PORT)) or ECONNREFUSED (socket file left over, nobody listening).',
    'Make the app listen on process.env.PORT (not a fixed port). If it only starts slowly, raise ' +
    'maxNamedPipeConnectionRetry or namedPipeConnectionRetryDelay so the total covers its start time.'),
  '500.1002': entry(500, 1002, 'worker exited before accepting',
    'The worker process exited while the host was still trying to connect to it, typically a crash at start ' +
    '(syntax error, missing module, exception before listen).',
    'Read the worker\'s stderr log for the stack trace and fix the start-up error.'),
  '500.1003': entry(500, 1003, 'worker connection setup failed',
    'Not raised on Linux (iisnode: configuring the pipe handle failed). Reserved.',
    'None needed.'),
  '500.1004': entry(500, 1004, 'request head not sent',
    'The worker connection was already closed when the request line and headers were about to be written ' +
    '(on a fresh connection; a dead pooled connection is replaced once instead).', crashFix),
  '500.1005': entry(500, 1005, 'request head not serialisable',
    'The request headers could not be serialised for the worker. Reserved: the front server already rejects ' +
    'oversized or invalid request headers (431/400) before the proxy sees them.',
    'None needed.'),
  '500.1006': entry(500, 1006, 'request head write failed',
    'Writing the request line and headers to a fresh worker connection failed (EPIPE, ECONNRESET).', crashFix),
  '500.1007': entry(500, 1007, 'request body read failed',
    'Not raised on Linux (iisnode: a synchronous IIS body read failed). Reserved; see 1008.',
    'None needed.'),
  '500.1008': entry(500, 1008, 'request body read interrupted',
    'The client aborted or errored while its request body was being streamed to the worker. Nothing is sent ' +
    'to the client (it is gone); the worker request is aborted. Recorded only in the outcome and logs.',
    'Usually a client-side timeout or cancelled upload; nothing to fix on the server unless it is frequent.'),
  '500.1009': entry(500, 1009, 'request body not sent',
    'The worker connection was found closed when the next request body chunk was to be written, and the ' +
    'worker had sent no response.', crashFix),
  '500.1010': entry(500, 1010, 'request body write failed',
    'The worker closed the connection (EOF, EPIPE or ECONNRESET) while the request body was still being sent, ' +
    'without answering. An app that answers early without reading the body (e.g. 413) is relayed normally as ' +
    'long as it keeps the connection open until its answer is read; one that closes at once can lose its ' +
    'answer, and this code is returned instead.', crashFix),
  '500.1011': entry(500, 1011, 'worker closed before responding',
    'The worker connection ended (EOF or reset) after the request was sent and before any response byte: ' +
    'the typical code for a worker that crashed or was killed while handling the request.', crashFix),
  '500.1012': entry(500, 1012, 'response head too large',
    'The worker\'s response status line and headers exceed maxRequestBufferSize bytes (or a chunk-size line ' +
    'does), so the response cannot be parsed.',
    'Send fewer or smaller response headers (large cookies are the usual cause), or raise maxRequestBufferSize.'),
  '500.1013': entry(500, 1013, 'bad response status line',
    'The worker\'s response does not start with a valid `HTTP/1.x <code>[.<substatus>] <reason>` line, or the ' +
    'connection ended inside it. Seen when something other than an HTTP server answers on the socket.',
    'Make sure the app serves HTTP on process.env.PORT (not a raw net server or another protocol).'),
  '500.1014': entry(500, 1014, 'bad response headers',
    'A response header line is malformed (no colon, invalid name or value, bare CR), the framing headers ' +
    'contradict each other, the connection ended inside the header block, or the header block did not ' +
    'complete within responseHeadTimeout ms after its first byte (errno ETIMEDOUT).', crashFix),
  '500.1015': entry(500, 1015, 'bad response chunk header',
    'A chunk-size line of a chunked response is malformed, or the connection ended inside it.', crashFix),
  '500.1016': entry(500, 1016, 'response body failed',
    'The connection ended before the body was complete (short Content-Length body, chunked body without its ' +
    'last chunk) or the chunk framing broke. Headers were already sent, so the client connection is ended ' +
    '(the client sees a truncated response).', crashFix),
  '500.1017': entry(500, 1017, 'client write failed',
    'The client disconnected (or its connection failed) while the response was being relayed; the worker ' +
    'request is aborted. Recorded only in the outcome and logs.',
    'Usually clients giving up on slow or large responses; check response times if frequent.'),
  '500.1018': entry(500, 1018, 'upgrade head write failed',
    'The client connection was gone when the worker\'s 101 Switching Protocols head was relayed; the worker ' +
    'connection is closed. Recorded only in the outcome and logs.',
    'Nothing to fix unless frequent (clients abandoning WebSocket handshakes).'),
  '503.1000': entry(503, 1000, 'request queue full',
    'Every worker of the app is at maxConcurrentRequestsPerProcess and the app\'s wait queue is full ' +
    '(maxQueuedRequestsPerApplication) or the request waited longer than maxQueueWaitTime ms.',
    'Add workers (nodeProcessCountPerApplication), raise maxConcurrentRequestsPerProcess, or make requests faster.'),
  '503.1001': entry(503, 1001, 'app recycling',
    'The app is being recycled (file change, config change, recycle signal) and could not take the request.',
    'Retry; requests are served normally once the new workers are up.'),
  '503.1002': entry(503, 1002, 'worker not available',
    'A worker could not be started or assigned to the request (for example it is restarting after a crash).',
    'Read the worker\'s stderr log; check nodeProcessCommandLine and crash-restart messages in the host log.'),
  '503.1003': entry(503, 1003, 'worker socket busy',
    'Connect retries ran out and the last error was EAGAIN: the worker\'s listen backlog stayed full (the ' +
    'Linux meaning of a busy named pipe). The worker is alive but not accepting fast enough.',
    'The app is overloaded or blocking its event loop: profile CPU use, add workers, or cap ' +
    'maxConcurrentRequestsPerProcess so the host queues instead.'),
  '499.0': entry(499, 0, 'client closed request',
    'Not an HTTP response: recorded (never sent) when the client disconnected before any response head was ' +
    'written, e.g. while the host was still connecting to the worker. Same convention as nginx.',
    'Nothing to fix unless frequent (then look at connect retries and response times).'),
} satisfies Record<string, StatusCode>);

/** A known code; "<status>.<substatus>". */
export type StatusCodeKey = keyof typeof statusCodes;

/** Looks up a status/substatus pair; undefined for plain statuses the host does not describe. */
export function lookupStatus(status: number, substatus: number): StatusCode | undefined {
  return (statusCodes as Record<string, StatusCode>)[`${status}.${substatus}`];
}
