import { Socket } from 'node:net';
import { sharedReadBuffer } from '../read-buffer.ts';

/** Receives each read of a socket switched by {@link readIntoSharedBuffer}. */
export type SharedReadCallback = (this: Socket, bytes: Buffer) => void;

// net.Socket reads into a caller's buffer only when created with `onread` (net.connect), which a server's
// accepted sockets cannot be. The same switch is made here on an accepted socket through the two properties and
// the handle method node's own `onread` support uses; the property keys are found on a socket made with
// `onread`, so nothing is hard-coded. If they are not found (another Node version), sockets read as usual.
interface UserBufferHandle {
  useUserBuffer(buffer: Uint8Array): void;
}
type SwitchableSocket = Socket & Record<symbol, unknown> & { _handle?: Partial<UserBufferHandle> | null };

const keys = findKeys();

function findKeys(): { buffer: symbol; callback: symbol } | undefined {
  const probe = new Socket({ onread: { buffer: Buffer.alloc(1), callback: () => true } });
  const own = Object.getOwnPropertySymbols(probe);
  const buffer = own.find((s) => s.description === 'kBuffer');
  const callback = own.find((s) => s.description === 'kBufferCb');
  probe.destroy();
  return buffer && callback ? { buffer, callback } : undefined;
}

/**
 * Switches an accepted socket, before its first read, to reading into {@link sharedReadBuffer}: each read is
 * given to `onBytes` as a view of the bytes read, valid during the call. False when this Node cannot switch it
 * (the socket then emits 'data' as usual).
 */
export function readIntoSharedBuffer(socket: Socket, onBytes: SharedReadCallback): boolean {
  const s = socket as SwitchableSocket;
  const handle = s._handle;
  if (!keys || !handle || typeof handle.useUserBuffer !== 'function') return false;
  s[keys.buffer] = sharedReadBuffer;
  s[keys.callback] = function (this: Socket, bytes: number): boolean {
    onBytes.call(this, sharedReadBuffer.subarray(0, bytes));
    return true;
  };
  handle.useUserBuffer(sharedReadBuffer);
  return true;
}

/**
 * Makes a switched socket behave like an ordinary one again: each read is copied and pushed into the stream, so
 * 'data' listeners and node's HTTP server (when it stops consuming the handle itself, as for an upgrade) see
 * what they would have. The handle keeps reading into the shared buffer; only the delivery changes.
 */
export function restoreStreamReads(socket: Socket): void {
  const s = socket as SwitchableSocket;
  if (!keys || s[keys.buffer] !== sharedReadBuffer) return;
  s[keys.callback] = function (this: Socket, bytes: number): boolean {
    return this.push(Buffer.from(sharedReadBuffer.subarray(0, bytes)));
  };
}
