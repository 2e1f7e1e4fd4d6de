import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { BodyFraming } from './request-head.ts';

/**
 * Streams a client's request body to a worker connection as it arrives, with backpressure: a full worker
 * socket pauses the client, its 'drain' resumes it. Chunked bodies are re-framed chunk for chunk (node has
 * already decoded the client's framing), so the worker sees `Transfer-Encoding: chunked` as the client sent it.
 */
export class RequestBodyPump {
  private readonly req: Readable | null;
  private readonly chunked: boolean;
  private readonly onUnwritable: () => void;
  private socket: Socket | null = null;
  private attached = false;
  private paused = false;
  /** Body bytes written to the worker. */
  bytes = 0;
  /** The client's body has been read completely (true at once when there is none). */
  done: boolean;

  /** `onUnwritable` runs when a body chunk arrives for a worker connection that is already closed. */
  constructor(req: Readable | null, framing: BodyFraming, onUnwritable: () => void) {
    this.req = req;
    this.chunked = framing === 'chunked';
    this.done = framing === 'none' || req === null;
    this.onUnwritable = onUnwritable;
  }

  /** Starts pumping into `socket`, or continues into a replacement connection after {@link hold}. */
  pipeTo(socket: Socket): void {
    if (this.done && !this.attached) return; // no body
    this.socket = socket;
    if (!this.attached) {
      this.attached = true;
      this.req?.on('data', this.onData);
      this.req?.on('end', this.onEnd);
    } else if (this.done && this.chunked && this.bytes === 0) {
      socket.write('0\r\n\r\n'); // an empty chunked body that ended while its first connection was replaced
    }
    if (this.paused) {
      this.paused = false;
      this.req?.resume();
    }
  }

  /** Holds the body while the connection is replaced. */
  hold(): void {
    this.socket = null;
    if (this.attached && !this.paused) {
      this.paused = true;
      this.req?.pause();
    }
  }

  /** The worker socket drained: let the client send more. */
  resume(): void {
    if (this.paused && this.socket) {
      this.paused = false;
      this.req?.resume();
    }
  }

  /** Stops pumping (the exchange is over) and lets the rest of the client's body drain away. */
  stop(): void {
    this.socket = null;
    if (!this.attached) return;
    this.attached = false;
    this.req?.removeListener('data', this.onData);
    this.req?.removeListener('end', this.onEnd);
    // Keep the client's connection usable: read and discard what it still sends.
    if (this.req && !this.req?.readableEnded) this.req?.resume();
  }

  private readonly onData = (chunk: Buffer): void => {
    const socket = this.socket;
    if (!socket) return;
    if (!socket.writable) {
      this.onUnwritable();
      return;
    }
    this.bytes += chunk.length;
    let ok: boolean;
    if (this.chunked) {
      socket.cork();
      socket.write(`${chunk.length.toString(16)}\r\n`);
      socket.write(chunk);
      ok = socket.write('\r\n');
      socket.uncork();
    } else ok = socket.write(chunk);
    if (!ok) {
      this.paused = true;
      this.req?.pause();
    }
  };

  private readonly onEnd = (): void => {
    this.done = true;
    const socket = this.socket;
    if (this.chunked && socket?.writable) socket.write('0\r\n\r\n');
  };
}
