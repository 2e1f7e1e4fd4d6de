import { ByteAccumulator } from './byte-accumulator.ts';
import { parseResponseHead, type ResponseHead } from './response-head.ts';

/** Receives what {@link ResponseParser} finds. */
export interface ResponseSink {
  /** A final response head (interim 1xx heads other than 101 are skipped). */
  onHead(head: ResponseHead): void;
  /** A slice of body payload (chunk framing removed); only valid during the call unless copied. */
  onBody(chunk: Buffer): void;
  /** The body is complete; `last` is its final payload slice when that arrived together with the end. */
  onComplete(last?: Buffer): void;
  /** The response is malformed: 1012 head too large, 1013 status line, 1014 headers, 1015 chunk header. */
  onMalformed(substatus: number): void;
}

// Parser states (numbers, not an enum: sources are run by type stripping).
const HEAD = 0;
const LENGTH = 1;
const CHUNK_SIZE = 2;
const CHUNK_DATA = 3;
const CHUNK_CRLF = 4;
const TRAILERS = 5;
const CLOSE = 6;
const DONE = 7;
const UPGRADED = 8;
const FAILED = 9;

const CR = 13;
const LF = 10;
const headEnd = Buffer.from('\r\n\r\n');
const httpPrefix = Buffer.from('HTTP/');

/**
 * Incremental HTTP/1.1 response parser for one exchange. Hand-written rather than node's llhttp client because
 * the host must accept iisnode's `HTTP/1.1 500.1001 reason` status lines, classify every failure into an
 * iisnode substatus, and relay chunk payloads as they arrive without an extra stream layer.
 */
export class ResponseParser {
  private state = HEAD;
  private readonly sink: ResponseSink;
  private readonly maxHead: number;
  private isHeadRequest = false;
  /** Bytes of an unfinished head or chunk-size/trailer line carried over from earlier reads. */
  private readonly acc = new ByteAccumulator();
  private remaining = 0;
  private crlfSeen = 0;
  /** Any response byte arrived (interim responses included). */
  anyByte = false;
  /** Bytes arrived after the response was complete: the connection is out of sync and must not be reused. */
  extraBytes = false;
  /** For a 101: bytes the worker sent after its head (already the upgraded protocol). */
  upgradeRest: Buffer | undefined;

  constructor(sink: ResponseSink, maxHead: number) {
    this.sink = sink;
    this.maxHead = maxHead;
  }

  /** Starts a new exchange on the same connection. */
  reset(isHeadRequest: boolean): void {
    this.state = HEAD;
    this.isHeadRequest = isHeadRequest;
    this.acc.clear();
    this.remaining = 0;
    this.anyByte = false;
    this.extraBytes = false;
    this.upgradeRest = undefined;
  }

  /** Still waiting for (the rest of) the response head. */
  get inHead(): boolean {
    return this.state === HEAD;
  }

  get done(): boolean {
    return this.state === DONE;
  }

  /** Stops parsing (the exchange gave up). */
  fail(): void {
    this.state = FAILED;
  }

  /** Feeds bytes read from the worker. */
  execute(buf: Buffer): void {
    this.anyByte = true;
    let pos = 0;
    const len = buf.length;
    while (pos < len) {
      switch (this.state) {
        case HEAD:
          pos = this.readHead(buf, pos);
          break;
        case LENGTH:
        case CHUNK_DATA: {
          const n = Math.min(this.remaining, len - pos);
          this.remaining -= n;
          const slice = buf.subarray(pos, pos + n);
          pos += n;
          this.crlfSeen = 0;
          if (this.remaining === 0 && this.state === LENGTH) {
            // Hand the last slice over with the end, so the client gets body and end in one write.
            this.state = DONE;
            this.sink.onComplete(slice);
          } else {
            if (this.remaining === 0) this.state = CHUNK_CRLF;
            this.sink.onBody(slice);
          }
          break;
        }
        case CHUNK_SIZE:
        case TRAILERS:
          pos = this.readLine(buf, pos);
          break;
        case CHUNK_CRLF: {
          const c = buf[pos++];
          if (c !== (this.crlfSeen === 0 ? CR : LF)) return this.malformed(1015);
          if (++this.crlfSeen === 2) this.state = CHUNK_SIZE;
          break;
        }
        case CLOSE:
          this.sink.onBody(pos === 0 ? buf : buf.subarray(pos));
          return;
        case DONE:
          this.extraBytes = true;
          return;
        default: // UPGRADED, FAILED
          return;
      }
    }
  }

  /**
   * The worker ended the connection. Returns 0 when that completes the response (close-delimited body, or
   * nothing was in progress), else the substatus of what was cut off: 1011 nothing received, 1013 inside the
   * status line, 1014 inside the headers, 1015 inside a chunk-size line, 1016 inside the body.
   */
  finish(): number {
    switch (this.state) {
      case HEAD: {
        if (!this.anyByte) return 1011;
        return this.acc.length && this.acc.concat().indexOf('\r\n') >= 0 ? 1014 : 1013;
      }
      case CLOSE:
        this.state = DONE;
        this.sink.onComplete();
        return 0;
      case CHUNK_SIZE:
        return 1015;
      case LENGTH:
      case CHUNK_DATA:
      case CHUNK_CRLF:
      case TRAILERS:
        return 1016;
      default:
        return 0;
    }
  }

  private malformed(substatus: number): void {
    this.state = FAILED;
    this.sink.onMalformed(substatus);
  }

  private readHead(buf: Buffer, pos: number): number {
    const acc = this.acc;
    const held = acc.length;
    // Reject non-HTTP answers on their first bytes instead of waiting for a head that never comes.
    if (held < 5) {
      const first = held ? acc.concat(buf.subarray(pos, pos + 5)) : buf.subarray(pos, pos + 5);
      const check = Math.min(first.length, 5);
      if (first.compare(httpPrefix, 0, check, 0, check) !== 0) {
        this.malformed(1013);
        return buf.length;
      }
    }
    // Index in `buf` just after the CRLF CRLF; it may start in the bytes held from earlier reads.
    let end = -1;
    if (held) {
      const tail = acc.tail(3);
      const joint = Buffer.concat([tail, buf.subarray(pos, pos + 3)]).indexOf(headEnd);
      if (joint >= 0) end = pos + joint + 4 - tail.length;
    }
    if (end < 0) {
      const i = buf.indexOf(headEnd, pos);
      if (i >= 0) end = i + 4;
    }
    if (end < 0) {
      if (held + buf.length - pos > this.maxHead) this.malformed(1012);
      else acc.push(buf.subarray(pos));
      return buf.length;
    }
    const size = held + end - pos;
    if (size > this.maxHead) {
      this.malformed(1012);
      return buf.length;
    }
    const text = held ? acc.concat(buf.subarray(pos, end)).toString('latin1', 0, size - 4)
      : buf.toString('latin1', pos, end - 4);
    acc.clear();
    const consumed = end;
    const head = parseResponseHead(text, this.isHeadRequest);
    if (typeof head === 'number') {
      this.malformed(head);
      return buf.length;
    }
    if (head.status < 200 && head.status !== 101) return consumed; // interim response: wait for the final one
    switch (head.framing) {
      case 'length': this.state = LENGTH; this.remaining = head.contentLength; break;
      case 'chunked': this.state = CHUNK_SIZE; break;
      case 'close': this.state = CLOSE; break;
      case 'upgrade': this.state = UPGRADED; this.upgradeRest = buf.subarray(consumed); break;
      default: this.state = DONE;
    }
    this.sink.onHead(head);
    if (this.state === DONE) this.sink.onComplete();
    return this.state === UPGRADED ? buf.length : consumed;
  }

  /** A chunk-size line or a trailer line, possibly split across reads. */
  private readLine(buf: Buffer, pos: number): number {
    const nl = buf.indexOf(LF, pos);
    const acc = this.acc;
    if (nl < 0) {
      if (acc.length + buf.length - pos > this.maxHead) this.malformed(this.state === CHUNK_SIZE ? 1015 : 1016);
      else acc.push(buf.subarray(pos));
      return buf.length;
    }
    let line = buf.toString('latin1', pos, nl + 1);
    if (acc.length) {
      line = acc.concat().toString('latin1') + line;
      acc.clear();
    }
    if (line.length < 2 || line.charCodeAt(line.length - 2) !== CR) {
      this.malformed(this.state === CHUNK_SIZE ? 1015 : 1016);
      return buf.length;
    }
    if (this.state === TRAILERS) {
      // Trailer fields are read and dropped (not relayed); an empty line ends the message.
      if (line.length === 2) {
        this.state = DONE;
        this.sink.onComplete();
      }
      return nl + 1;
    }
    const size = parseChunkSize(line);
    if (size < 0) {
      this.malformed(1015);
      return buf.length;
    }
    if (size === 0) this.state = TRAILERS;
    else {
      this.state = CHUNK_DATA;
      this.remaining = size;
    }
    return nl + 1;
  }
}

/** Hex size before any `;extension`, or -1 when malformed. */
function parseChunkSize(line: string): number {
  let size = 0;
  let digits = 0;
  let i = 0;
  for (; i < line.length - 2; i++) {
    const c = line.charCodeAt(i);
    const v = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (v < 0) break;
    if (++digits > 12) return -1; // more than 2^48: not a real chunk
    size = size * 16 + v;
  }
  if (digits === 0) return -1;
  const c = line.charCodeAt(i);
  if (i < line.length - 2 && c !== 59 /* ; */ && c !== 32 && c !== 9) return -1;
  return size;
}
