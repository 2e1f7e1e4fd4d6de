import { connect } from 'node:net';

/**
 * Resolves true once something accepts connections on `socketPath`, false when `stop()` turns true first.
 * Polls with a growing interval (10 ms ×1.5 up to 200 ms): cheap while an app boots, quick for fast ones.
 */
export async function waitForSocket(socketPath: string, stop: () => boolean): Promise<boolean> {
  let delay = 10;
  while (!stop()) {
    if (await canConnect(socketPath)) return !stop();
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(200, Math.round(delay * 1.5));
  }
  return false;
}

function canConnect(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
