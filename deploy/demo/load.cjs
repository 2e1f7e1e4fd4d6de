// A light, endless load on the demo farm so the dashboards have data: mostly plain requests, some slow ones,
// and now and then one that makes a worker exit (a crash the host replaces). Runs only inside the compose stack.
const http = require('node:http');
const target = process.env.DEMO_TARGET || 'http://demo:8080';
const paths = () => { const r = Math.random(); return r < 0.002 ? '/crash' : r < 0.05 ? '/slow' : '/'; };
function once() {
  const req = http.get(`${target}${paths()}`, (res) => { res.resume(); res.on('end', next); });
  req.on('error', () => setTimeout(next, 1000));
}
function next() { setTimeout(once, 50); }
for (let i = 0; i < 4; i++) once();
