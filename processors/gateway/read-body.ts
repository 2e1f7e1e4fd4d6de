import type { IncomingMessage } from 'node:http';
import zlib from 'node:zlib';

/** The request body, or the answer to give instead. */
export type BodyResult =
  | { readonly ok: true; readonly body: Buffer }
  | {
    readonly ok: false;
    readonly status: 400 | 413 | 415;
    readonly message: string;
    /** The rest of the body was not read: answer with `Connection: close`. */
    readonly closeConnection: boolean;
  };

/**
 * Reads a request body of at most `maxBytes`, both as sent and after gzip decompression. Decompression is
 * streamed and counted chunk by chunk, so a gzip bomb costs at most `maxBytes` of memory before it is
 * refused. After a refusal the rest of the input is read and discarded as long as the whole body stays under
 * twice `maxBytes`, so the client receives the 413 instead of a reset connection; beyond that the answer
 * goes out at once and the connection is closed.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const gzip = encoding === 'gzip' || encoding === 'x-gzip';
  if (!gzip && encoding !== 'identity' && encoding !== '') {
    return Promise.resolve({ ok: false, status: 415, message: `Content-Encoding '${encoding}' is not supported (use gzip or none)`, closeConnection: true });
  }
  const drainLimit = 2 * maxBytes;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > drainLimit) {
    return Promise.resolve({ ok: false, status: 413, message: `the request body (${declared} bytes) exceeds the limit of ${maxBytes} bytes`, closeConnection: true });
  }

  return new Promise<BodyResult>((resolve) => {
    let rawBytes = 0;
    let outBytes = 0;
    let chunks: Buffer[] = [];
    let settled = false;
    let inputEnded = false;
    let failure: BodyResult | undefined;
    const finish = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      chunks = [];
      resolve(result);
    };
    const fail = (result: BodyResult): void => {
      failure ??= result;
      chunks = [];
      if (inputEnded) finish(failure);
    };
    const gunzip = gzip ? zlib.createGunzip() : undefined;
    const onOutput = (chunk: Buffer): void => {
      if (failure) return;
      outBytes += chunk.length;
      if (outBytes > maxBytes) {
        fail({ ok: false, status: 413, message: `the decompressed request body exceeds the limit of ${maxBytes} bytes`, closeConnection: false });
        gunzip?.destroy();
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', (chunk: Buffer) => {
      rawBytes += chunk.length;
      if (rawBytes > maxBytes) {
        const tooLarge: BodyResult = { ok: false, status: 413, message: `the request body exceeds the limit of ${maxBytes} bytes`, closeConnection: false };
        fail(tooLarge);
        gunzip?.destroy();
        if (rawBytes > drainLimit) {
          req.pause();
          finish({ ...tooLarge, closeConnection: true });
        }
        return;
      }
      if (failure) return;
      if (gunzip) gunzip.write(chunk);
      else onOutput(chunk);
    });
    req.on('end', () => {
      inputEnded = true;
      if (failure) return finish(failure);
      if (!gunzip || rawBytes === 0) return finish({ ok: true, body: Buffer.concat(chunks) });
      gunzip.end();
    });
    const incomplete: BodyResult = { ok: false, status: 400, message: 'the request body was not received completely', closeConnection: true };
    req.on('error', () => finish(incomplete));
    // A client that goes away mid-body may end the stream with neither 'end' nor 'error'; without this the
    // request would hold its admission slot forever.
    req.on('close', () => { if (!inputEnded) finish(incomplete); });
    gunzip?.on('data', onOutput);
    gunzip?.on('end', () => finish(failure ?? { ok: true, body: Buffer.concat(chunks) }));
    gunzip?.on('error', (err) => fail({ ok: false, status: 400, message: `the body is not valid gzip: ${err.message}`, closeConnection: false }));
  });
}
