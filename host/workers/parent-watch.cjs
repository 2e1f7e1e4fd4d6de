// Preloaded into every worker (NODE_OPTIONS --require) so that a worker dies with its host, even when the
// host is SIGKILLed and has no chance to clean up: the host holds the write end of the worker's stdin pipe,
// the kernel closes it when the host dies, and the end-of-file here ends the worker.
'use strict';
const token = process.env.NODEFARM_PRELOAD;
if (token) {
  // Children the app starts itself must not inherit the watch.
  const rest = (process.env.NODE_OPTIONS || '').replace(token, '').trim();
  if (rest) process.env.NODE_OPTIONS = rest;
  else delete process.env.NODE_OPTIONS;
  delete process.env.NODEFARM_PRELOAD;
  const stdin = process.stdin;
  const quit = () => process.exit(0);
  stdin.on('end', quit);
  stdin.on('error', quit);
  stdin.resume();
  // The watch alone must not keep an app alive that would otherwise exit.
  if (typeof stdin.unref === 'function') stdin.unref();
}
