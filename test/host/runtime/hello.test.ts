import { afterEach, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { cleanup, httpGet, startHost } from './helpers.ts';

afterEach(cleanup);

describe('Host', () => {
  it('serves a hello-world app through the front server (iisnode test 100)', async () => {
    const { base } = await startHost([{ script: 'hello.cjs' }]);
    const reply = await httpGet(`${base}/`);
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('Hello, world!');
    expect(reply.headers['iisnode-debug']).toBeUndefined();
  });

  it('sends sequential requests to the same worker when there is one (iisnode test 101)', async () => {
    const { base } = await startHost([{ script: 'counter.cjs' }]);
    const bodies: string[] = [];
    for (let i = 0; i < 5; i++) bodies.push((await httpGet(`${base}/`)).body);
    expect(bodies).toEqual(['1', '2', '3', '4', '5']);
  });

  it('echoes a POST body through the host (iisnode test 104)', async () => {
    const { base } = await startHost([{ script: 'echo.cjs' }]);
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(`${base}/echo`, { method: 'POST', agent: false, headers: { 'content-type': 'text/plain' } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.write('a body ');
      req.end('in two parts');
    });
    expect(body).toBe('a body in two parts');
  });

  it('starts workers in the script folder so relative paths work (iisnode test 107)', async () => {
    const { base } = await startHost([{ script: 'files/read-relative.cjs' }]);
    const reply = await httpGet(`${base}/`);
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('read relative to the script folder');
  });

  it('gives workers the app env including empty values, NODE_ENV and IISNODE_VERSION (iisnode test 108)', async () => {
    const { base } = await startHost([{
      script: 'env.cjs', env: { KEY1: 'value1', KEY2: 'value2', EMPTY: '' }, settings: { node_env: 'production' },
    }]);
    const env = JSON.parse((await httpGet(`${base}/`)).body);
    expect(env.appsettings).toBe('value1value2');
    expect(env.emptyDefined).toBe(true);
    expect(env.empty).toBe('');
    expect(env.nodeEnv).toBe('production');
    expect(env.iisnodeVersion).toBe('0.2.27');
    expect(env.port).toMatch(/\.sock$/);
    expect(env.nodeOptions).toBeNull();
  });

  it('leaves NODE_ENV alone when node_env is empty', async () => {
    const saved = process.env.NODE_ENV;
    process.env.NODE_ENV = 'inherited';
    try {
      const { base } = await startHost([{ script: 'env.cjs', settings: { node_env: '' } }]);
      expect(JSON.parse((await httpGet(`${base}/`)).body).nodeEnv).toBe('inherited');
    } finally {
      if (saved === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = saved;
    }
  });

  it('routes by longest path prefix and by Host header, and answers 404 when no app matches', async () => {
    const { base } = await startHost([
      { name: 'root', script: 'hello.cjs', pathPrefix: '/', hosts: ['www.example.test'] },
      { name: 'counter', script: 'counter.cjs', pathPrefix: '/count' },
      { name: 'env', script: 'env.cjs', pathPrefix: '/count/env' },
    ]);
    expect((await httpGet(`${base}/count`)).body).toBe('1');
    expect((await httpGet(`${base}/count/x?y`)).body).toBe('2');
    expect(JSON.parse((await httpGet(`${base}/count/env/a`)).body).iisnodeVersion).toBe('0.2.27');
    expect((await httpGet(`${base}/`, { host: 'WWW.example.test:8080' })).body).toBe('Hello, world!');
    const miss = await httpGet(`${base}/other`, { host: 'elsewhere.test' });
    expect(miss.status).toBe(404);
    expect((await httpGet(`${base}/countess`, { host: 'elsewhere.test' })).status).toBe(404);
  });
});
