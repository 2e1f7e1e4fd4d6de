/**
 * node:http's values, loaded with `process.getBuiltinModule` instead of an ESM import. Node's ESM view of
 * node:http reads every export once, and the lazy WebSocket/CloseEvent/MessageEvent getters among them load
 * undici (with http2, tls, zlib and worker_threads): about 13 MB of host memory that nothing uses. Import
 * node:http values from here; types still come from 'node:http' (`import type`).
 */
const http = process.getBuiltinModule('node:http');

export const { Agent, STATUS_CODES, Server, createServer, get, request } = http;
