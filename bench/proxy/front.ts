/**
 * A front server for the proxy benchmark: `node front.ts <nodefarm|agent> <port> <worker socket>`.
 * `nodefarm` forwards through host/proxy; `agent` is the obvious alternative (node's http.request with a
 * keep-alive Agent on the Unix socket, piping both ways), kept here to justify the hand-written client.
 */
import http from 'node:http';
import { createProxy } from '../../host/proxy/index.ts';

const [mode, portArg, socketPath] = process.argv.slice(2);
if (!socketPath) throw new Error('usage: front.ts <nodefarm|agent> <port> <socket>');
const target = { id: 'bench', socketPath, pid: 0, hasExited: () => false };

let handler: http.RequestListener;
if (mode === 'agent') {
  const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 512 });
  handler = (req, res) => {
    const up = http.request({ socketPath, method: req.method, path: req.url, headers: req.headers, agent }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.statusMessage, r.rawHeaders);
      r.pipe(res);
    });
    up.on('error', () => { res.statusCode = 500; res.end(); });
    req.pipe(up);
  };
} else {
  const proxy = createProxy();
  handler = (req, res) => void proxy.forward(req, res, target);
}
http.createServer(handler).listen(Number(portArg), '127.0.0.1', () => process.stdout.write('ready\n'));
// Optional 4th argument: exit after that many seconds (lets --cpu-prof write its profile).
if (process.argv[5]) setTimeout(() => process.exit(0), Number(process.argv[5]) * 1000);
