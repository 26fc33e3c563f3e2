import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithSmtp, type TestPaperboy } from '../helpers/app.js';
import type { TestSmtp } from '../helpers/smtp.js';

// POST /api/subscriptions against the real app and a real SQLite file: good input is accepted
// without revealing who is known; bad input gets a clear 4xx and changes nothing.
describe('POST /api/subscriptions', () => {
  let pb: TestPaperboy;
  let smtp: TestSmtp;
  const count = () => pb.ctx.db.prepare('SELECT count(*) FROM subscribers').pluck().get();
  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    pb.app.inject({ method: 'POST', url: '/api/subscriptions', payload: payload as string, headers });

  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ pb, smtp, close } = await startWithSmtp());
  });
  afterAll(() => close());

  it('accepts JSON and stores a pending subscriber with defaults', async () => {
    const res = await post({ email: 'grace@example.org', keywords: ['retrieval'] });
    expect(res.statusCode).toBe(202);
    const row = pb.ctx.db.prepare('SELECT status, timezone, hour, keywords FROM subscribers WHERE email = ?').get('grace@example.org');
    expect(row).toEqual({ status: 'pending', timezone: 'UTC', hour: 8, keywords: '["retrieval"]' });
  });

  it('accepts a form body, splitting comma-separated lists', async () => {
    const res = await post('email=alan%40example.org&keywords=diffusion%2C+video&hour=7&timezone=Europe%2FParis',
      { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(202);
    const row = pb.ctx.db.prepare('SELECT timezone, hour, keywords FROM subscribers WHERE email = ?').get('alan@example.org');
    expect(row).toEqual({ timezone: 'Europe/Paris', hour: 7, keywords: '["diffusion","video"]' });
  });

  it('answers the same for a known address and does not reveal it', async () => {
    await pb.ctx.db.prepare("UPDATE subscribers SET status = 'active' WHERE email = 'grace@example.org'").run();
    const res = await post({ email: 'GRACE@example.org', keywords: ['other'] });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ status: 'pending' });
    // An active subscriber's interests are not overwritten by a stranger's sign-up; the owner gets their preferences link.
    expect(pb.ctx.db.prepare('SELECT keywords FROM subscribers WHERE email = ?').pluck().get('grace@example.org')).toBe('["retrieval"]');
    const linkMails = () => smtp.messages.filter((m) => JSON.stringify(m.to).includes('grace@example.org') && m.subject === 'Your Paperboy preferences link');
    await expect.poll(() => linkMails().length).toBe(1);
    expect(linkMails()[0].text).toMatch(/\/preferences\//);
    expect(linkMails()[0].text).not.toMatch(/other|\/confirm\//);
  });

  it('mails a new confirmation when an unsubscribed address signs up again, and leaves the row as it is until then', async () => {
    pb.ctx.db.prepare("UPDATE subscribers SET status = 'unsubscribed' WHERE email = 'alan@example.org'").run();
    const before = smtp.messages.length;
    expect((await post({ email: 'alan@example.org', keywords: ['new'] })).statusCode).toBe(202);
    expect(pb.ctx.db.prepare('SELECT status, keywords FROM subscribers WHERE email = ?').get('alan@example.org'))
      .toEqual({ status: 'unsubscribed', keywords: '["diffusion","video"]' });
    const mails = await smtp.waitFor(before + 1);
    expect(mails.at(-1)!.subject).toBe('Confirm your Paperboy subscription');
  });

  const bad: [string, unknown, string, string | undefined][] = [
    ['a malformed email', { email: 'not-an-email' }, 'invalid_input', 'email'],
    ['no email', { keywords: ['x'] }, 'invalid_input', 'email'],
    ['CRLF in the email', { email: 'a@example.org\r\nBcc: b@example.org' }, 'invalid_input', 'email'],
    ['an unknown field', { email: 'x@example.org', admin: true }, 'unknown_field', 'admin'],
    ['an hour of 25', { email: 'x@example.org', hour: 25 }, 'invalid_input', 'hour'],
    ['an unknown timezone', { email: 'x@example.org', timezone: 'Mars/Olympus' }, 'invalid_input', 'timezone'],
    ['too many keywords', { email: 'x@example.org', keywords: Array.from({ length: 51 }, (_, i) => `k${i}`) }, 'invalid_input', 'keywords'],
    ['a bad category', { email: 'x@example.org', categories: ['DROP TABLE'] }, 'invalid_input', 'categories.0'],
    // Shaped like a category but not one arXiv lists: each followed category is a feed fetched hourly (issue 21).
    ['a category arXiv does not list', { email: 'x@example.org', categories: ['cs.CV', 'daily'] }, 'invalid_input', 'categories.1'],
  ];
  it.each(bad)('refuses %s with a clear 400 and changes nothing', async (_name, payload, code, field) => {
    const before = count();
    const res = await post(payload);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe(code);
    expect(body.error.field).toBe(field);
    expect(body.error.message).toMatch(new RegExp(field!.split('.')[0]));
    expect(count()).toBe(before);
  });

  it('refuses keywords nested 5,000 levels deep with 400, not a 500 from printing them (issue 21)', async () => {
    const before = count();
    const res = await post(`{"email":"x@example.org","keywords":${'['.repeat(5000)}"x"${']'.repeat(5000)}}`, { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({ code: 'invalid_body', message: 'The request body is nested too deeply: each field is text, a list of text or a number' });
    expect(count()).toBe(before);
  });

  it('refuses a body over 16 KB with 413', async () => {
    const before = count();
    const res = await post({ email: 'x@example.org', about: 'a'.repeat(17 * 1024) });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('body_too_large');
    expect(count()).toBe(before);
  });

  it('refuses an unsupported content type with 415', async () => {
    const res = await post('<xml/>', { 'content-type': 'application/xml' });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('unsupported_media_type');
  });

  it('answers unknown API paths with the same error shape', async () => {
    const res = await pb.app.inject({ method: 'GET', url: '/api/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'No such endpoint' } });
  });
});
