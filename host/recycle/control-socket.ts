import { rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../server/logger.ts';
import { CONTROL_MESSAGE_MAX, isRecycleMessage } from './control-message.ts';
import { listenPrivateSocket } from '../admin/listen-private-socket.ts';

/** A listening control socket of one app. */
export interface ControlSocket {
  readonly path: string;
  /** Recycle commands received. */
  readonly commands: number;
  /** Connections whose message was not a command. */
  readonly ignored: number;
  close(): Promise<void>;
}

/** A client that connects and never sends is dropped after this long, so it cannot pin a connection. */
const IDLE_MS = 10_000;

/**
 * Opens the Unix socket behind IISNODE_CONTROL_PIPE. Every connection is served (iisnode served only the
 * first one): the bytes received are checked as they arrive, `recycle` calls `onRecycle` once for that
 * connection, anything else is ignored and logged at debug. Mode 0600: only the host's user can connect.
 */
export async function openControlSocket(
  socketPath: string, app: string, onRecycle: () => void, log: Logger,
): Promise<ControlSocket> {
  let commands = 0;
  let ignored = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    let received = Buffer.alloc(0);
    let handled = false;
    const ignore = (why: string): void => {
      if (handled) return;
      handled = true;
      ignored++;
      log.debug('control message ignored', { app, reason: why, bytes: received.length, text: received.toString('latin1').slice(0, CONTROL_MESSAGE_MAX) });
    };
    socket.setTimeout(IDLE_MS, () => {
      ignore('no command before the idle timeout');
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      if (handled) return;
      received = Buffer.concat([received, chunk]);
      if (received.length > CONTROL_MESSAGE_MAX) {
        ignore(`longer than ${CONTROL_MESSAGE_MAX} bytes`);
        socket.destroy();
      } else if (isRecycleMessage(received)) {
        handled = true;
        commands++;
        onRecycle();
        socket.end();
      }
    });
    socket.on('end', () => {
      ignore('not a command');
      socket.end();
    });
    socket.on('error', () => {}); // a worker dying mid-write is not the host's problem
    socket.on('close', () => sockets.delete(socket));
  });
  await rm(socketPath, { force: true });
  await listenPrivateSocket(server, socketPath);
  return {
    path: socketPath,
    get commands() {
      return commands;
    },
    get ignored() {
      return ignored;
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
