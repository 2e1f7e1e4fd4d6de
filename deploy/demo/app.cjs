// The demo app the compose stack hosts: a plain Node http server on the socket nodefarm hands over in PORT.
// /slow and /crash exist so the dashboards have latency tails and worker exits to show.
const http = require('node:http');
let served = 0;
http.createServer((req, res) => {
  served += 1;
  if (req.url === '/crash') { res.end('bye\n'); setImmediate(() => process.exit(1)); return; }
  const delay = req.url === '/slow' ? 500 : 0;
  setTimeout(() => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`hello from pid ${process.pid}, request ${served}\n`);
  }, delay);
}).listen(process.env.PORT);
