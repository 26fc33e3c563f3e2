import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkPath, startWithSmtp, submit, type TestPaperboy } from '../helpers/app.js';
import type { TestSmtp } from '../helpers/smtp.js';
import { findByEmail } from '../../src/store/subscribers.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('pages and links', () => {
  let pb: TestPaperboy;
  let smtp: TestSmtp;
  const status = (email: string) => pb.ctx.db.prepare('SELECT status FROM subscribers WHERE email = ?').pluck().get(email);

  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ pb, smtp, close } = await startWithSmtp({ papers: true }));
  });
  afterAll(() => close());

  it('shows top papers and the sign-up form on /', async () => {
    const res = await pb.app.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('Rethinking Counterfactual Data Augmentation Under Confounding');
    for (const name of ['email', 'keywords', 'hour', 'timezone']) expect(res.body).toContain(`name="${name}"`);
  });

  it('answers the form with a redirect to "Check your inbox", and a bad form with the form again, the error beside the field', async () => {
    const ok = await submit(pb.app, { url: '/subscribe', headers: form, payload: 'email=page%40example.org&keywords=vision&hour=9&timezone=Asia%2FTokyo' });
    expect(ok.posted).toBe(303);
    expect(ok.body).toContain('Check your inbox');
    expect(ok.body).toContain('page@example.org');
    expect(status('page@example.org')).toBe('pending');
    const bad = await pb.app.inject({ method: 'POST', url: '/subscribe', headers: form, payload: 'email=page%40example.org&hour=25' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('<p class="field-error" id="hour-error">Choose a delivery time from the list.</p>');
    expect(bad.body).toContain('value="page@example.org"');
  });

  it('confirms with the button of the page the link opens, once, and refuses unknown or forged tokens with a page', async () => {
    const [mail] = await smtp.waitFor(1);
    const path = linkPath(mail.text!, 'confirm');
    const shown = await pb.app.inject(path);
    expect(shown.body).toContain(`<form method="post" action="${path}">`);
    expect(shown.body).toContain('vision'); // what this sign-up asked for, shown before it is confirmed
    expect(status('page@example.org')).toBe('pending');
    expect((await submit(pb.app, { url: path })).body).toContain('You are subscribed');
    expect(status('page@example.org')).toBe('active');
    // A used link is spent: it neither confirms again nor hands out the preferences link; it says where the address
    // stands and offers to mail the preferences link to it (issue 22, item 18).
    const again = await pb.app.inject(path);
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('<h1>You’re already subscribed</h1>');
    expect(again.body).not.toContain('/preferences/');
    const before = JSON.stringify(findByEmail(pb.ctx.db, 'page@example.org'));
    expect((await pb.app.inject({ method: 'POST', url: path, headers: form, payload: '' })).headers.location).toBe(path);
    expect(JSON.stringify(findByEmail(pb.ctx.db, 'page@example.org'))).toBe(before);
    const mailed = await submit(pb.app, { url: `${path}/mail-link` });
    expect(mailed.posted).toBe(303);
    expect(mailed.body).toContain('We mailed the link to your preferences to page@example.org.');
    const [, link] = await smtp.waitFor(2);
    expect(link.subject).toBe('Your Paperboy preferences link');
    expect(link.text).toContain('/preferences/');
    for (const url of ['/confirm/nonsense', `${path.slice(0, -2)}xx`, '/confirm/zzzzzzzzzzzzz.' + 'A'.repeat(43)]) {
      const res = await pb.app.inject(url);
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('This link is not valid');
    }
  });

  it('never unsubscribes on GET, and refuses a forged token on POST', async () => {
    const sub = findByEmail(pb.ctx.db, 'page@example.org')!;
    const path = new URL(pb.ctx.links.unsubscribe(sub)).pathname;
    expect((await pb.app.inject(path)).statusCode).toBe(200);
    expect(status('page@example.org')).toBe('active');
    const forged = await pb.app.inject({ method: 'POST', url: `${path.slice(0, -1)}${path.endsWith('A') ? 'B' : 'A'}`, headers: form, payload: 'List-Unsubscribe=One-Click' });
    expect(forged.statusCode).toBe(404);
    expect(status('page@example.org')).toBe('active');
    expect((await pb.app.inject({ method: 'POST', url: path })).statusCode).toBe(303);
    expect(status('page@example.org')).toBe('unsubscribed');
  });

  it('reports health and shows a page for unknown paths', async () => {
    const health = await pb.app.inject('/healthz');
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const missing = await pb.app.inject('/nowhere');
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('Page not found');
  });
});
