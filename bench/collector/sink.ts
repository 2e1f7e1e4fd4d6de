/**
 * An OTLP/HTTP sink for the benchmark: answers every export with 200 at once and counts requests and bytes
 * (it does not decode, so it costs the machine as little as possible). `node sink.ts <port>`.
 */
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 4318);
let requests = 0;
let bytes = 0;
createServer((req, res) => {
  req.on('data', (c: Buffer) => (bytes += c.length));
  req.on('end', () => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': '0' }).end();
  });
}).listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  process.stderr.write(`sink: ${requests} exports, ${bytes} bytes\n`);
  process.exit(0);
});
