import { afterEach, describe, expect, it } from '@jest/globals';
import { cleanup, httpGet, startHost } from './helpers.ts';

afterEach(cleanup);

describe('Host with framework apps', () => {
  it.each(['express', 'fastify', 'koa'])('runs an unchanged %s app listening on process.env.PORT', async (framework) => {
    const { base } = await startHost([{ script: `${framework}-app/index.js` }]);
    const reply = await httpGet(`${base}/hello/world`);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ framework, name: 'world' });
    expect((await httpGet(`${base}/nothing-here`)).status).toBe(404);
  });
});
