import { afterEach, describe, expect, it } from '@jest/globals';
import { cleanup, converse, httpGet, httpsText, makeFarm, startHost, startTlsHost } from './helpers.ts';

afterEach(cleanup);

describe('Front server', () => {
  it('answers a malformed request line with 400 and keeps serving', async () => {
    const { host, base } = await startHost([{ script: 'hello.cjs' }]);
    const { text: out } = await converse(host.address()!.port, 'THIS IS NOT HTTP\r\n\r\n');
    expect(out).toMatch(/^HTTP\/1\.1 400 /);
    expect((await httpGet(`${base}/`)).body).toBe('Hello, world!');
  });

  it('answers request headers larger than the limit with 431', async () => {
    const { host } = await startHost([{ script: 'hello.cjs', settings: { maxRequestBufferSize: 16_384 } }]);
    const { text: out } = await converse(host.address()!.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`);
    expect(out).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('closes a slowloris connection that never finishes its headers with 408', async () => {
    const { host, base } = await startHost([{ script: 'hello.cjs' }], { server: { headersTimeout: 500 } });
    const started = Date.now();
    const { text: out } = await converse(host.address()!.port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n', 8000);
    expect(out).toMatch(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).toBeLessThan(4000);
    expect((await httpGet(`${base}/`)).status).toBe(200);
  });

  it('speaks HTTPS when tls is configured', async () => {
    const { host, port } = await startTlsHost(makeFarm([{ script: 'hello.cjs' }]));
    expect(await httpsText(port, '/')).toBe('Hello, world!');
    expect((await host.status()).listen).toMatch(/^https:\/\/127\.0\.0\.1:/);
  });
});
