import { afterEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { request } from 'node:https';
import { connect } from 'node:net';
import { join } from 'node:path';
import { cleanup, httpGet, makeFarm, startHost } from './helpers.ts';

afterEach(cleanup);

/** Sends raw bytes and collects everything until the server closes (or `ms` pass). */
function raw(port: number, data: string, ms = 5000): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const s = connect(port, '127.0.0.1', () => s.write(data));
    s.setEncoding('latin1');
    s.on('data', (c: string) => (out += c));
    s.on('error', () => {});
    const timer = setTimeout(() => s.destroy(), ms);
    s.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

describe('Front server', () => {
  it('answers a malformed request line with 400 and keeps serving', async () => {
    const { host, base } = await startHost([{ script: 'hello.cjs' }]);
    const out = await raw(host.address()!.port, 'THIS IS NOT HTTP\r\n\r\n');
    expect(out).toMatch(/^HTTP\/1\.1 400 /);
    expect((await httpGet(`${base}/`)).body).toBe('Hello, world!');
  });

  it('answers request headers larger than the limit with 431', async () => {
    const { host } = await startHost([{ script: 'hello.cjs', settings: { maxRequestBufferSize: 16_384 } }]);
    const out = await raw(host.address()!.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`);
    expect(out).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('closes a slowloris connection that never finishes its headers with 408', async () => {
    const { host, base } = await startHost([{ script: 'hello.cjs' }], { server: { headersTimeout: 500 } });
    const started = Date.now();
    const out = await raw(host.address()!.port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n', 8000);
    expect(out).toMatch(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).toBeLessThan(4000);
    expect((await httpGet(`${base}/`)).status).toBe(200);
  });

  it('speaks HTTPS when tls is configured', async () => {
    const config = makeFarm([{ script: 'hello.cjs' }]);
    const certFile = join(config.host.socketDir, 'cert.pem');
    const keyFile = join(config.host.socketDir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
    const { host } = await startHost([], { config: { ...config, host: { ...config.host, tls: { certFile, keyFile } } } });
    const body = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.address()!.port, path: '/', rejectUnauthorized: false, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    expect(body).toBe('Hello, world!');
    expect((await host.status()).listen).toMatch(/^https:\/\/127\.0\.0\.1:/);
  });
});
