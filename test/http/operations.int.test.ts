import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { closeContext, createContext } from '../../src/context.js';
import { buildApp } from '../../src/http/app.js';
import { smtpClass } from '../../src/http/metrics.js';
import { scrub } from '../../src/log/redact.js';
import { ingestListingFile } from '../helpers/papers.js';
import { sendDueDigests } from '../../src/mail/sender.js';
import { finishRun, startRun } from '../../src/store/ingest-runs.js';
import { findByEmail } from '../../src/store/subscribers.js';
import { startPaperboy, type TestPaperboy } from '../helpers/app.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { activeSubscriber, pathOf } from '../helpers/http-fixtures.js';

// The operator's side: the OpenAPI document, Prometheus metrics, and logs without secrets.
const METRICS_TOKEN = 'operator-token-0123456789abcdef';
const asOperator = (url: string) => ({ url, headers: { authorization: `Bearer ${METRICS_TOKEN}` } });

describe('docs, metrics and logs', () => {
  let pb: TestPaperboy;
  let smtp: TestSmtp;

  beforeAll(async () => {
    smtp = await startSmtp();
    pb = await startPaperboy({ SMTP_URL: smtp.url, METRICS_TOKEN });
    ingestListingFile(pb.ctx.db, 'test/fixtures/hf-papers-page.txt');
  });
  afterAll(async () => {
    await pb.close();
    await smtp.close();
  });

  it('publishes an OpenAPI document generated from the zod schemas, and a browsable /docs', async () => {
    const res = await pb.app.inject('/docs/json');
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    const signup = doc.paths['/api/subscriptions'].post;
    const schema = signup.requestBody.content['application/json'].schema;
    expect(schema.required).toContain('email');
    expect(schema.properties.hour).toMatchObject({ maximum: 23 });
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(signup.responses)).toEqual(expect.arrayContaining(['202', '400', '429']));
    expect(Object.keys(signup.requestBody.content)).toEqual(['application/json', 'application/x-www-form-urlencoded']);
    expect(Object.keys(doc.paths['/unsubscribe/{token}'].post.requestBody.content)).toContain('multipart/form-data');
    for (const path of ['/preferences/{token}', '/feedback/{token}/{paper}/{vote}', '/digests/{token}', '/papers/{date}', '/unsubscribe/{token}', '/confirm/{token}']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    const ui = await pb.app.inject('/docs/');
    expect([200, 302]).toContain(ui.statusCode);
    const page = ui.statusCode === 302 ? await pb.app.inject(ui.headers.location as string) : ui;
    expect(page.body).toContain('swagger');
    // Swagger UI needs inline styles; it gets them, and nothing else is loosened.
    expect(page.headers['content-security-policy']).toBe("default-src 'self';img-src 'self' data:;style-src 'self' 'unsafe-inline';" +
      "script-src 'self';frame-ancestors 'none';base-uri 'none';form-action 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it('exposes subscribers, digests, SMTP reply classes, ingest runs and HTTP latency', async () => {
    activeSubscriber(pb, 'metrics@example.org');
    await sendDueDigests(pb.ctx, new Date(Date.now() + 60_000));
    await pb.app.inject('/');
    const res = await pb.app.inject(asOperator('/metrics'));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.body).toMatch(/^paperboy_subscribers\{status="active"\} 1$/m);
    expect(res.body).toMatch(/^paperboy_digests\{state="sent"\} 1$/m);
    expect(res.body).toMatch(/^paperboy_smtp_replies\{class="2xx"\} 1$/m);
    expect(res.body).toContain('# TYPE paperboy_ingest_runs gauge');
    const outcome = { format: 'jsonl', fetched: 1, new: 1, updated: 0, rejected: 0, notModified: false, rejections: [] };
    finishRun(pb.ctx.db, startRun(pb.ctx.db, 'a.jsonl', new Date()), { ...outcome, error: null }, new Date());
    finishRun(pb.ctx.db, startRun(pb.ctx.db, 'b.jsonl', new Date()), { ...outcome, error: 'HTTP 500' }, new Date());
    startRun(pb.ctx.db, 'c.jsonl', new Date());
    const runs = (await pb.app.inject(asOperator('/metrics'))).body;
    expect(runs).toMatch(/^paperboy_ingest_runs\{outcome="ok"\} 1$/m);
    expect(runs).toMatch(/^paperboy_ingest_runs\{outcome="failed"\} 1$/m);
    expect(runs).toMatch(/^paperboy_ingest_runs\{outcome="running"\} 1$/m);
    expect(res.body).toMatch(/^paperboy_http_request_duration_seconds_count\{route="\/",method="GET",status="2xx"\} [1-9]/m);
    expect(res.body).not.toMatch(/route="\/preferences\/[^:]/);
  });

  it('classifies SMTP replies by their code', () => {
    expect(['250 2.0.0 Ok: queued', '451 4.7.1 Try later', '550 5.1.1 No such user', 'connect ECONNREFUSED', null].map(smtpClass))
      .toEqual(['2xx', '4xx', '5xx', 'other', 'other']);
  });

  it('masks tokens and email addresses in any text', () => {
    const sub = activeSubscriber(pb, 'scrub.me@example.org');
    const url = pb.ctx.links.preferences(sub);
    const token = pathOf(url).split('/')[2];
    const out = scrub(`GET ${url} for scrub.me@example.org failed; also ${token}`);
    expect(out).not.toContain(token);
    expect(out).not.toContain('scrub.me@example.org');
    expect(out).toContain('s…@example.org');
    expect(out).toContain('/preferences/[token]');
  });

  it('never logs a token or a full email address, even when a request fails', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const log = pino({ level: 'trace' }, sink);
    const ctx = await createContext(loadConfig({ PAPERBOY_DB: `${pb.dir}/logs.db`, PUBLIC_URL: 'http://paperboy.test', SMTP_URL: 'smtp://127.0.0.1:9' }), { log });
    const app = await buildApp(ctx);
    try {
      const signup = await app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'secret.person@example.org' } });
      expect(signup.statusCode).toBe(202);
      await new Promise((r) => setTimeout(r, 300)); // the confirmation mail fails in the background: port 9 refuses
      const sub = findByEmail(ctx.db, 'secret.person@example.org')!;
      const path = pathOf(ctx.links.preferences(sub));
      // Force a 500 on a route whose URL carries a token: the database goes away under it.
      ctx.db.close();
      const res = await app.inject(path);
      expect(res.statusCode).toBe(500);
      expect(res.body).toContain('Something went wrong');
      expect(res.body).not.toMatch(/database|sqlite/i);
      const all = lines.join('');
      expect(all).toContain('request failed');
      expect(all).toContain('confirmation mail not handed over');
      expect(all).not.toContain(path.split('/')[2]);
      expect(all).not.toContain('secret.person@example.org');
    } finally {
      await app.close();
      await closeContext(ctx);
    }
  });
});
