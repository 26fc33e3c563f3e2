import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { getSubscriber } from '../../src/store/subscribers.js';
import { linkPath, startPaperboy, submit, type TestPaperboy } from '../helpers/app.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { activeSubscriber, dumpDb, form, FORM, pathOf } from '../helpers/http-fixtures.js';

// Headers, cross-site form posts, per-IP and per-address limits, and answers that reveal nothing.
describe('abuse and security', () => {
  let pb: TestPaperboy;
  let smtp: TestSmtp;
  let roomy: FastifyInstance;
  const json = (app: FastifyInstance, email: string, ip = '127.0.0.1') =>
    app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email }, remoteAddress: ip });

  beforeAll(async () => {
    smtp = await startSmtp();
    pb = await startPaperboy({ SMTP_URL: smtp.url });
    roomy = await buildApp(pb.ctx, { rateLimit: { max: 1000, timeWindowMs: 60_000 } });
  });
  afterAll(async () => {
    await roomy.close();
    await pb.close();
    await smtp.close();
  });

  it('sends security headers and a strict CSP, and pages carry no inline script or style', async () => {
    for (const url of ['/', '/nowhere', '/papers/2026-01-01']) {
      const res = await pb.app.inject(url);
      const csp = res.headers['content-security-policy'] as string;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'same-origin' });
      expect(res.body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(res.body).not.toMatch(/<style|\sstyle=/);
    }
    const js = await pb.app.inject('/assets/app.js');
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/text\/javascript/);
    expect(js.body).toContain('Intl.DateTimeFormat');
  });

  it('refuses cross-site form posts and accepts same-origin ones', async () => {
    const sub = activeSubscriber(pb, 'csrf@example.org');
    const url = pathOf(pb.ctx.links.preferences(sub));
    const body = form({ keywords: 'hijacked', hour: '3' });
    const before = dumpDb(pb);
    for (const headers of [
      { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'https://evil.example' }, { origin: 'null' },
    ]) {
      for (const target of [url, `${url}/delete`, pathOf(pb.ctx.links.unsubscribe(sub)), '/subscribe']) {
        const res = await pb.app.inject({ method: 'POST', url: target, payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
        expect(res.statusCode).toBe(403);
        expect(res.body).toContain('can only be sent from a Paperboy page');
      }
    }
    expect(dumpDb(pb)).toBe(before);
    const ok = await pb.app.inject({ method: 'POST', url, payload: body, headers: FORM });
    expect(ok.statusCode).toBe(303);
    expect(getSubscriber(pb.ctx.db, sub.id)!.profile.keywords).toEqual(['hijacked']);
  });

  it('limits POSTs per IP with a 429, a Retry-After and the error shape, and leaves GETs alone', async () => {
    const tight = await buildApp(pb.ctx, { rateLimit: { max: 3, timeWindowMs: 60_000 } });
    try {
      for (let i = 0; i < 3; i++) expect((await json(tight, `ip${i}@example.org`, '203.0.113.7')).statusCode).toBe(202);
      const over = await json(tight, 'ip4@example.org', '203.0.113.7');
      expect(over.statusCode).toBe(429);
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      expect(over.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/Too many requests from your address; try again in/) } });
      const page = await tight.inject({ method: 'POST', url: '/subscribe', payload: form({ email: 'p@example.org' }), headers: { 'content-type': 'application/x-www-form-urlencoded' }, remoteAddress: '203.0.113.7' });
      expect(page.statusCode).toBe(429);
      expect(page.body).toContain('Too many requests');
      expect((await json(tight, 'ip5@example.org', '203.0.113.8')).statusCode).toBe(202); // another address is not affected
      expect((await tight.inject({ url: '/', remoteAddress: '203.0.113.7' })).statusCode).toBe(200);
    } finally {
      await tight.close();
    }
  });

  it('sends at most 3 confirmation mails per address a day, and answers a known address the same way', async () => {
    const mailsTo = (to: string) => smtp.messages.filter((m) => m.to && JSON.stringify(m.to).includes(to)).length;
    activeSubscriber(pb, 'known@example.org');
    const answers: string[] = [];
    // Same number of attempts each, so the comparison below is like for like.
    for (const email of ['stranger@example.org', 'known@example.org']) {
      for (let i = 0; i < 3; i++) {
        const res = await json(roomy, i % 2 ? email.toUpperCase() : email);
        answers.push(`${res.statusCode} ${res.body}`);
      }
      const over = await json(roomy, email);
      expect(over.statusCode).toBe(429);
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(86_000); // the oldest attempt ages out in a day
      expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(86_400);
      expect(over.json().error).toMatchObject({ code: 'too_many_signups', field: 'email' });
      answers.push(`${over.statusCode} ${over.body}`);
    }
    // Identical answers for a stranger and a subscriber: nothing to learn about who is on the list.
    expect(answers.slice(0, 4)).toEqual(answers.slice(4));
    // One mail per allowed sign-up: a confirmation link to the new address, the preferences link to the subscribed one.
    await expect.poll(() => mailsTo('stranger@example.org') + mailsTo('known@example.org')).toBe(6);
    const to = (email: string) => smtp.messages.filter((m) => JSON.stringify(m.to).includes(email));
    expect(to('stranger@example.org').map((m) => m.subject)).toEqual(Array(3).fill('Confirm your Paperboy subscription'));
    expect(to('known@example.org').map((m) => m.subject)).toEqual(Array(3).fill('Your Paperboy preferences link'));
    const last = to('stranger@example.org').at(-1)!;
    expect((await submit(roomy, { url: linkPath(last.text!, 'confirm') })).body).toContain('You are subscribed');
    // The throttle keeps a hash, never the address.
    expect(JSON.stringify(pb.ctx.db.prepare('SELECT * FROM signup_attempts').all())).not.toContain('@');
  });

  it('counts plus-tags toward their mailbox, and a stranger who used up an address\'s sign-ups leaves its owner their own link (issue 21)', async () => {
    const owner = activeSubscriber(pb, 'owner@example.org');
    const before = smtp.messages.length;
    // A stranger: three sign-ups, then the same mailbox under plus-tags and another case.
    const answers = [];
    for (const email of ['owner@example.org', 'owner+1@example.org', 'Owner+news@example.org', 'owner+2@example.org', 'OWNER@example.org']) {
      answers.push((await json(roomy, email, '203.0.113.9')).statusCode);
    }
    expect(answers).toEqual([202, 202, 202, 429, 429]);
    // The owner, from the unsubscribe page of one of their digests, asks for their preferences link: it comes.
    const asked = await roomy.inject({ method: 'POST', url: `${pathOf(pb.ctx.links.unsubscribe(owner))}/preferences-link`, headers: FORM, payload: '' });
    expect(asked.statusCode).toBe(303);
    await expect.poll(() => smtp.messages.length - before).toBe(4);
    const last = smtp.messages.filter((m) => JSON.stringify(m.to).includes('owner@example.org')).at(-1)!;
    expect(last.subject).toBe('Your Paperboy preferences link');
    // Their own requests have a limit too: three a day.
    const more = [];
    for (let i = 0; i < 3; i++) more.push((await roomy.inject({ method: 'POST', url: `${pathOf(pb.ctx.links.unsubscribe(owner))}/preferences-link`, headers: FORM, payload: '' })).statusCode);
    expect(more).toEqual([303, 303, 429]);
  });

  it('keeps the per-address limit when sign-ups for one address arrive together', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => json(roomy, 'burst@example.org')));
    expect(answers.map((r) => r.statusCode).sort()).toEqual([202, 202, 202, 429, 429, 429]);
    expect(pb.ctx.db.prepare("SELECT count(*) FROM subscribers WHERE email = 'burst@example.org'").pluck().get()).toBe(1);
  });

  it('accepts an international domain in its xn-- form', async () => {
    const res = await json(roomy, 'leser@xn--bcher-kva.example');
    expect(res.statusCode).toBe(202);
    expect(pb.ctx.db.prepare("SELECT status FROM subscribers WHERE email = 'leser@xn--bcher-kva.example'").pluck().get()).toBe('pending');
  });
});
