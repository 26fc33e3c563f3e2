import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import { startPaperboy, type TestPaperboy } from '../helpers/app.js';

// Behind a reverse proxy every request comes from the proxy: with TRUST_PROXY the per-IP limit
// counts the client address the proxy forwards, and without it forwarded headers are ignored.
describe('TRUST_PROXY', () => {
  let pb: TestPaperboy;
  beforeAll(async () => {
    pb = await startPaperboy({ TRUST_PROXY: '127.0.0.1' });
  });
  afterAll(() => pb.close());

  const signUp = (app: Awaited<ReturnType<typeof buildApp>>, client: string) => app.inject({
    method: 'POST', url: '/api/subscriptions', remoteAddress: '127.0.0.1',
    headers: { 'x-forwarded-for': client }, payload: { email: `someone@example.org` },
  });

  it('limits each forwarded client on its own when the proxy is trusted', async () => {
    const app = await buildApp(pb.ctx, { rateLimit: { max: 2, timeWindowMs: 60_000 } });
    const first = [await signUp(app, '192.0.2.1'), await signUp(app, '192.0.2.1'), await signUp(app, '192.0.2.1')];
    expect(first.map((r) => r.statusCode)).toEqual([202, 202, 429]);
    expect((await signUp(app, '192.0.2.2')).statusCode).toBe(202);
    await app.close();
  });

  it('ignores X-Forwarded-For from anyone when no proxy is trusted', async () => {
    const plain = await startPaperboy();
    const app = await buildApp(plain.ctx, { rateLimit: { max: 2, timeWindowMs: 60_000 } });
    const codes = [];
    for (const client of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) codes.push((await signUp(app, client)).statusCode);
    expect(codes).toEqual([202, 202, 429]);
    await app.close();
    await plain.close();
  });

  it('refuses a value that is not a list of addresses, naming the variable', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'yes' })).toThrow(/^Invalid TRUST_PROXY: /);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 10.1.0.0/16' }).TRUST_PROXY).toEqual(['10.0.0.1', '10.1.0.0/16']);
  });
});
