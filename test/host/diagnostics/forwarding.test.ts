import { afterEach, describe, expect, it } from '@jest/globals';
import { parsePromoteServerVars } from '../../../host/diagnostics/index.ts';
import type { Logger } from '../../../host/server/index.ts';
import { cleanup, httpsText, makeFarm, startHost, startTlsHost } from '../runtime/helpers.ts';
import { fixture, rawGet } from './helpers.ts';

afterEach(cleanup);

interface Seen {
  headers: Record<string, string>;
  rawHeaders: string[];
}

async function seen(base: string, headers: Record<string, string> = {}, path = '/headers'): Promise<Seen> {
  const reply = await rawGet(base, path, headers);
  expect(reply.status).toBe(200);
  return JSON.parse(reply.body) as Seen;
}

describe('enableXFF (iisnode test 118)', () => {
  it('adds X-Forwarded-For with the client IP and X-Forwarded-Proto http', async () => {
    const { base } = await startHost([{ script: fixture('app.cjs'), settings: { enableXFF: true } }]);
    const s = await seen(base);
    expect(s.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(s.headers['x-forwarded-proto']).toBe('http');
  });

  it('keeps an existing X-Forwarded-Proto', async () => {
    const { base } = await startHost([{ script: fixture('app.cjs'), settings: { enableXFF: true } }]);
    const s = await seen(base, { 'X-Forwarded-Proto': 'https' });
    expect(s.headers['x-forwarded-proto']).toBe('https');
    expect(s.rawHeaders.filter((h) => h.toLowerCase() === 'x-forwarded-proto')).toHaveLength(1);
  });

  it('appends the client IP to an existing X-Forwarded-For', async () => {
    const { base } = await startHost([{ script: fixture('app.cjs'), settings: { enableXFF: true } }]);
    expect((await seen(base, { 'X-Forwarded-For': '1.1.1.1' })).headers['x-forwarded-for']).toBe('1.1.1.1, 127.0.0.1');
  });

  it('does not add the client IP again when the list already ends with it', async () => {
    const { base } = await startHost([{ script: fixture('app.cjs'), settings: { enableXFF: true } }]);
    expect((await seen(base, { 'X-Forwarded-For': '127.0.0.1' })).headers['x-forwarded-for']).toBe('127.0.0.1');
    expect((await seen(base, { 'X-Forwarded-For': '10.0.0.1 , 127.0.0.1' })).headers['x-forwarded-for']).toBe('10.0.0.1 , 127.0.0.1');
  });

  it('compares whole entries, not suffixes as iisnode does', async () => {
    const { base } = await startHost([{ script: fixture('app.cjs'), settings: { enableXFF: true } }]);
    expect((await seen(base, { 'X-Forwarded-For': '10.127.0.0.1' })).headers['x-forwarded-for']).toBe('10.127.0.0.1, 127.0.0.1');
  });

  it('leaves the forwarding headers alone when off', async () => {
    const { base } = await startHost([{ script: fixture('app.cjs') }]);
    const s = await seen(base, { 'X-Forwarded-For': '1.1.1.1' });
    expect(s.headers['x-forwarded-for']).toBe('1.1.1.1');
    expect(s.headers['x-forwarded-proto']).toBeUndefined();
  });

  it('sends X-Forwarded-Proto https when the front server speaks TLS', async () => {
    const { port } = await startTlsHost(makeFarm([{ script: fixture('app.cjs'), settings: { enableXFF: true } }]));
    const s = JSON.parse(await httpsText(port, '/headers')) as Seen;
    expect(s.headers['x-forwarded-proto']).toBe('https');
    expect(s.headers['x-forwarded-for']).toBe('127.0.0.1');
  });
});

describe('promoteServerVars (iisnode test 119)', () => {
  it('sends each known variable as an x-iisnode-<name> header and warns once about unknown names', async () => {
    const warnings: Record<string, unknown>[] = [];
    const log: Logger = { debug() {}, info() {}, error() {}, warn: (message, fields) => warnings.push({ message, ...fields }) };
    const { host, base } = await startHost([{
      script: fixture('app.cjs'), settings: { promoteServerVars: 'REQUEST_METHOD,AUTH_USER,SERVER_PORT,QUERY_STRING,URL,HTTPS,REMOTE_ADDR,NO_SUCH_VAR' },
    }], { log });
    const s = await seen(base, { 'X-iisnode-REQUEST_METHOD': 'spoofed' }, '/headers?a=1&b=2');
    expect(s.headers['x-iisnode-request_method']).toBe('GET');
    expect(s.rawHeaders.filter((h) => h.toLowerCase() === 'x-iisnode-request_method')).toHaveLength(1);
    expect(s.headers['x-iisnode-auth_user']).toBe('');
    expect(s.headers['x-iisnode-server_port']).toBe(String(host.address()!.port));
    expect(s.headers['x-iisnode-query_string']).toBe('a=1&b=2');
    expect(s.headers['x-iisnode-url']).toBe('/headers');
    expect(s.headers['x-iisnode-https']).toBe('off');
    expect(s.headers['x-iisnode-remote_addr']).toBe('127.0.0.1');
    expect(s.headers['x-iisnode-no_such_var']).toBeUndefined();
    expect(warnings.filter((w) => w.message === 'promoteServerVars names ignored')).toEqual([
      expect.objectContaining({ app: 'app', names: 'NO_SUCH_VAR' }),
    ]);
  });

  it('keeps the configured spelling in the header name and ignores repeats and blanks', () => {
    const { promoted, unknown } = parsePromoteServerVars(' request_method , ,REQUEST_METHOD,Http_Host,bad name');
    expect(promoted.map((p) => p.header)).toEqual(['X-iisnode-request_method', 'X-iisnode-Http_Host']);
    expect(unknown).toEqual(['bad name']);
  });
});
