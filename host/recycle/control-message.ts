/** Longest control message read, bytes (iisnode's pipe buffer). Longer messages are ignored. */
export const CONTROL_MESSAGE_MAX = 64;

const RECYCLE = /^recycle(\r?\n)?\0*$/i;

/**
 * True when the bytes received so far are the recycle command: `recycle` in any case, optionally followed by
 * one line ending (`\n` or `\r\n`) and/or NUL bytes (iisnode accepted the bare word or a NUL after it).
 */
export function isRecycleMessage(bytes: Buffer): boolean {
  return bytes.length <= CONTROL_MESSAGE_MAX && RECYCLE.test(bytes.toString('latin1'));
}
