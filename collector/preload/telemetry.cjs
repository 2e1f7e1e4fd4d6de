// nodefarm worker telemetry preload: `node --require <this file> app.js`.
//
// Plain CommonJS with no dependencies, so it also runs under real iisnode on Windows (put the --require in
// nodeProcessCommandLine and the OTEL_* variables in appSettings). It speaks OTLP/JSON over HTTP itself.
// What it records inside the worker:
//   - `worker.request`: the app's own handling of each request, joined to the host's trace through the
//     `traceparent` the host injects (its `dispatch` span is the parent);
//   - metrics: RSS, V8 heap used, event-loop delay p99;
//   - `worker.exception`: an uncaught exception with its stack, sent before the process dies.
// Names and attributes follow collector/semconv.ts (contract version 1). It never throws into the app.
'use strict';

const http = require('node:http');
const https = require('node:https');
const crypto = require('node:crypto');
const path = require('node:path');
const childProcess = require('node:child_process');
const { AsyncLocalStorage } = require('node:async_hooks');
const { monitorEventLoopDelay, performance } = require('node:perf_hooks');

const CONTRACT_VERSION = '1';
const SCOPE = { name: 'nodefarm.worker', version: CONTRACT_VERSION };
const MAX_QUEUE = 1024;
const BATCH = 256;
const env = process.env;

function start() {
  if (globalThis[Symbol.for('nodefarm.telemetry.preload')]) return;
  globalThis[Symbol.for('nodefarm.telemetry.preload')] = true;
  // Under nodefarm the host passes the preload in NODE_OPTIONS; the app's own child processes must not
  // inherit it (they are not workers).
  const underHost = Boolean(env.NODEFARM_TELEMETRY_PRELOAD);
  const hostPid = Number(env.NODEFARM_HOST_PID) || 0;
  if (underHost) {
    const rest = (env.NODE_OPTIONS || '').replace(env.NODEFARM_TELEMETRY_PRELOAD, '').trim();
    if (rest) env.NODE_OPTIONS = rest;
    else delete env.NODE_OPTIONS;
    delete env.NODEFARM_TELEMETRY_PRELOAD;
  }
  if ((env.OTEL_SDK_DISABLED || '').toLowerCase() === 'true') return;
  const base = (env.OTEL_EXPORTER_OTLP_ENDPOINT || '').replace(/\/+$/, '');
  const tracesUrl = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || (base && `${base}/v1/traces`);
  const metricsUrl = env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT || (base && `${base}/v1/metrics`);
  if (!tracesUrl) return; // nowhere to send: stay out of the way entirely
  const headers = parseList(env.OTEL_EXPORTER_OTLP_HEADERS);
  const ratio = samplingRatio();
  const intervalMs = positive(env.OTEL_METRIC_EXPORT_INTERVAL, 10000);
  const resourceAttrs = Object.assign(parseList(env.OTEL_RESOURCE_ATTRIBUTES), {
    'service.name': env.OTEL_SERVICE_NAME || path.basename(process.argv[1] || 'node', path.extname(process.argv[1] || '')),
    'process.pid': process.pid,
    'nodefarm.telemetry.version': CONTRACT_VERSION,
  });
  // The host's pid, as on the host's own spans (iisnode's "worker" is the host process).
  if (hostPid) resourceAttrs['iisnode.worker_pid'] = hostPid;
  const resource = { attributes: keyValues(resourceAttrs) };

  const queue = [];
  let dropped = 0;
  let exported = 0;
  let timer;
  const inFlight = new Set();
  const store = new AsyncLocalStorage();

  function enqueue(span) {
    if (queue.length >= MAX_QUEUE) {
      dropped++;
      return;
    }
    queue.push(span);
    if (!timer) {
      timer = setTimeout(flush, 200);
      timer.unref();
    }
  }

  function flush() {
    timer = undefined;
    while (queue.length) {
      const batch = queue.splice(0, BATCH);
      post(tracesUrl, tracesBody(batch), (ok) => { if (ok) exported += batch.length; else dropped += batch.length; });
    }
  }

  function tracesBody(spans) {
    return JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ scope: SCOPE, spans }] }] });
  }

  function post(url, body, done) {
    try {
      const u = new URL(url);
      const req = (u.protocol === 'https:' ? https : http).request(u, {
        method: 'POST', timeout: 10000,
        headers: Object.assign({}, headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
      }, (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode >= 200 && res.statusCode < 300));
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => done(false));
      // The exporter's socket must never keep a finished app alive.
      req.on('socket', (s) => { if (typeof s.unref === 'function') s.unref(); });
      req.end(body);
    } catch {
      done(false);
    }
  }

  // ---- request spans ----
  function onRequest(req, res) {
    const parent = parseTraceparent(req.headers.traceparent);
    const traceId = parent ? parent.traceId : hex(16);
    const sampled = parent ? parent.sampled : Math.random() < ratio;
    const ctx = {
      traceId, spanId: hex(8), parentSpanId: parent ? parent.spanId : '', sampled, start: nowNs(), req, res, done: false,
    };
    inFlight.add(ctx);
    const finish = () => {
      if (ctx.done) return;
      ctx.done = true;
      inFlight.delete(ctx);
      const status = res.statusCode || 0;
      const failed = status >= 500 || !res.writableFinished;
      if (!ctx.sampled && !failed) return;
      enqueue(requestSpan(ctx, status, failed ? 2 : 0, res.writableFinished ? '' : 'response not finished', []));
    };
    res.once('finish', finish);
    res.once('close', finish);
    return ctx;
  }

  function requestSpan(ctx, status, code, message, events) {
    const url = ctx.req.url || '/';
    const q = url.indexOf('?');
    return {
      traceId: ctx.traceId, spanId: ctx.spanId, parentSpanId: ctx.parentSpanId || undefined,
      name: 'worker.request',
      // Under the host its SERVER span already counts the request (dashboards count SERVER spans); alone
      // (e.g. under iisnode) this span is the request's server span.
      kind: underHost ? 1 : 2,
      startTimeUnixNano: ctx.start, endTimeUnixNano: nowNs(),
      attributes: keyValues({
        'http.request.method': ctx.req.method || '', 'url.path': q < 0 ? url : url.slice(0, q),
        'http.response.status_code': status, 'process.pid': process.pid, 'iisnode.node_pid': process.pid,
      }),
      events, status: code ? { code, message: message || undefined } : undefined,
    };
  }

  for (const Server of [http.Server, https.Server]) {
    const emit = Server.prototype.emit;
    Server.prototype.emit = function patchedEmit(event, req, res) {
      if (event !== 'request') return emit.apply(this, arguments);
      let ctx;
      try {
        ctx = onRequest(req, res);
      } catch {
        return emit.apply(this, arguments);
      }
      return store.run(ctx, () => emit.apply(this, arguments));
    };
  }

  // ---- uncaught exceptions ----
  process.on('uncaughtExceptionMonitor', (err, origin) => {
    try {
      const e = err instanceof Error ? err : new Error(String(err));
      const event = {
        name: 'exception', timeUnixNano: nowNs(),
        attributes: keyValues({
          'exception.type': e.name || 'Error', 'exception.message': e.message || '', 'exception.stacktrace': e.stack || '',
          'exception.escaped': true, 'nodefarm.exception.origin': String(origin),
        }),
      };
      const current = store.getStore();
      const span = {
        traceId: current ? current.traceId : hex(16), spanId: hex(8), parentSpanId: current ? current.spanId : undefined,
        name: 'worker.exception', kind: 1, startTimeUnixNano: nowNs(), endTimeUnixNano: nowNs(),
        attributes: keyValues({ 'process.pid': process.pid, 'iisnode.node_pid': process.pid, 'error.type': e.name || 'Error' }),
        events: [event], status: { code: 2, message: e.message || '' },
      };
      const spans = [span];
      // Requests in flight will never finish: end them now, as errors, with the exception.
      for (const ctx of inFlight) {
        ctx.done = true;
        spans.push(requestSpan(ctx, 500, 2, 'uncaught exception', ctx === current ? [event] : []));
      }
      inFlight.clear();
      const dying = process.listenerCount('uncaughtException') === 0;
      if (!dying) {
        for (const s of spans) enqueue(s);
        return;
      }
      // The process ends right after this handler: send synchronously, through a short-lived child,
      // bounded by a 3 s timeout.
      const all = queue.splice(0).concat(spans);
      const childEnv = Object.assign({}, env);
      delete childEnv.NODE_OPTIONS;
      childProcess.spawnSync(process.execPath, ['-e', SYNC_SENDER], {
        input: JSON.stringify({ url: tracesUrl, headers, body: tracesBody(all) }),
        timeout: 3000, stdio: ['pipe', 'ignore', 'ignore'], env: childEnv, windowsHide: true,
      });
    } catch {
      // Telemetry must never change how the app dies.
    }
  });

  // ---- metrics ----
  if (metricsUrl) {
    const loop = monitorEventLoopDelay({ resolution: 20 });
    loop.enable();
    const startNs = nowNs();
    const tick = setInterval(() => {
      try {
        const mem = process.memoryUsage();
        const t = nowNs();
        const attrs = keyValues({ 'iisnode.node_pid': process.pid });
        const gauge = (name, unit, value) => ({ name, unit, gauge: { dataPoints: [{ attributes: attrs, timeUnixNano: t, asDouble: value }] } });
        const sum = (name, unit, value) => ({
          name, unit, sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ attributes: attrs, startTimeUnixNano: startNs, timeUnixNano: t, asInt: String(value) }] },
        });
        const metrics = [
          gauge('process.memory.usage', 'By', mem.rss),
          gauge('nodefarm.process.heap.used', 'By', mem.heapUsed),
          gauge('nodejs.eventloop.delay.p99', 'ns', loop.percentile(99) || 0),
          sum('nodefarm.telemetry.spans.dropped', '{span}', dropped),
          sum('nodefarm.telemetry.spans.exported', '{span}', exported),
        ];
        loop.reset();
        post(metricsUrl, JSON.stringify({ resourceMetrics: [{ resource, scopeMetrics: [{ scope: SCOPE, metrics }] }] }), () => {});
      } catch {
        // Skip this sample.
      }
    }, intervalMs);
    tick.unref();
  }
  // A worker stopped by the host (SIGTERM) flushes what it has; `exit` cannot wait, so this is best effort.
  process.once('beforeExit', flush);
}

// Run by the short-lived sender child: reads {url, headers, body} on stdin and posts it once.
const SYNC_SENDER = `
let d='';process.stdin.on('data',c=>d+=c).on('end',()=>{try{const m=JSON.parse(d);const u=new URL(m.url);
const r=require(u.protocol==='https:'?'https':'http').request(u,{method:'POST',headers:Object.assign({},m.headers,
{'content-type':'application/json'})},s=>{s.resume();s.on('end',()=>process.exit(0))});r.on('error',()=>process.exit(1));
r.end(m.body)}catch{process.exit(1)}});`;

function nowNs() {
  const ms = performance.timeOrigin + performance.now();
  const whole = Math.floor(ms);
  return (BigInt(whole) * 1000000n + BigInt(Math.round((ms - whole) * 1000)) * 1000n).toString();
}

function hex(bytes) {
  for (;;) {
    const h = crypto.randomBytes(bytes).toString('hex');
    if (!/^0+$/.test(h)) return h;
  }
}

function parseTraceparent(value) {
  if (typeof value !== 'string') return undefined;
  const m = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})/.exec(value.trim().toLowerCase());
  if (!m || m[1] === 'ff' || /^0+$/.test(m[2]) || /^0+$/.test(m[3])) return undefined;
  return { traceId: m[2], spanId: m[3], sampled: (parseInt(m[4], 16) & 1) === 1 };
}

function parseList(text) {
  const out = {};
  for (const part of String(text || '').split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    let v = part.slice(eq + 1).trim();
    try { v = decodeURIComponent(v); } catch { /* keep as written */ }
    out[part.slice(0, eq).trim()] = v;
  }
  return out;
}

function samplingRatio() {
  const sampler = env.OTEL_TRACES_SAMPLER || '';
  if (sampler.endsWith('always_off')) return 0;
  if (!sampler.endsWith('traceidratio')) return 1;
  const r = Number(env.OTEL_TRACES_SAMPLER_ARG);
  return r >= 0 && r <= 1 ? r : 1;
}

function positive(text, fallback) {
  const n = Number(text);
  return n > 0 ? n : fallback;
}

function keyValues(obj) {
  const out = [];
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    let value;
    if (typeof v === 'number' && Number.isInteger(v)) value = { intValue: String(v) };
    else if (typeof v === 'number') value = { doubleValue: v };
    else if (typeof v === 'boolean') value = { boolValue: v };
    else value = { stringValue: String(v) };
    out.push({ key, value });
  }
  return out;
}

try {
  start();
} catch {
  // Never stop the app from starting.
}
