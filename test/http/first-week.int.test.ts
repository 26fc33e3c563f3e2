// What a lab's first week showed on the pages (issue 22): the lab's defaults on the form, the sender to look for,
// what is wrong with an address, and a used confirmation link that says where the address stands. The real app
// on a real SQLite file, with a real SMTP server on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayLabel } from '../../src/digest/due.js';
import { buildApp } from '../../src/http/app.js';
import { SAMPLE_NOTE } from '../../src/http/views.js';
import { ingestSampleIfEmpty } from '../../src/ingest/sample.js';
import { sendDueDigests } from '../../src/mail/sender.js';
import { findByEmail } from '../../src/store/subscribers.js';
import { ingestListingFile } from '../helpers/papers.js';
import { linkPath, startPaperboy, submit, type TestPaperboy } from '../helpers/app.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { activeSubscriber, FORM, form, pathOf } from '../helpers/http-fixtures.js';

describe('a lab instance\'s pages', () => {
  let pb: TestPaperboy;
  let smtp: TestSmtp;
  const mailsTo = (email: string) => smtp.messages.filter((m) => (m.to as { text: string }).text === email);

  beforeAll(async () => {
    smtp = await startSmtp();
    pb = await startPaperboy({ SMTP_URL: smtp.url, DEFAULT_TIMEZONE: 'Europe/Berlin', DEFAULT_HOUR: '9', MAIL_FROM: 'Vision Lab papers <papers@lab.example.org>',
      INSTANCE_CONTACT: 'Ada Lovelace <papers-admin@lab.example.org>' },
      { rateLimit: { max: 1000, timeWindowMs: 60_000 } });
  });
  afterAll(async () => {
    await pb.close();
    await smtp.close();
  });

  it('starts the sign-up form on the lab\'s hour and timezone, and gives API sign-ups the same (issue 22, item 5)', async () => {
    const page = (await pb.app.inject('/')).body;
    expect(page).toMatch(/<option value="9" selected>09:00<\/option>/);
    expect(page).toMatch(/<option value="Europe\/Berlin" selected>/);
    // The lab chose a timezone: the browser's own does not replace it.
    expect(page).not.toContain('data-autotz');
    const res = await pb.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'api@lab.example.org' } });
    expect(res.statusCode).toBe(202);
    expect(findByEmail(pb.ctx.db, 'api@lab.example.org')).toMatchObject({ timezone: 'Europe/Berlin', hour: 9 });
    // Given ones are kept.
    await pb.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'tokyo@lab.example.org', timezone: 'Asia/Tokyo', hour: 6 } });
    expect(findByEmail(pb.ctx.db, 'tokyo@lab.example.org')).toMatchObject({ timezone: 'Asia/Tokyo', hour: 6 });
  });

  it('"Check your inbox" names the sender to look for; a bad address is told what is wrong (issue 22, item 20)', async () => {
    const sent = await submit(pb.app, { url: '/subscribe', headers: FORM, payload: form({ email: 'page@lab.example.org', timezone: 'UTC', hour: '8' }) });
    expect(sent.body).toContain('Look for a mail from <strong>Vision Lab papers &lt;papers@lab.example.org&gt;</strong>.');
    for (const [email, said] of [
      ['lab', 'Email has no @: an address looks like name@lab.example.org.'],
      ['ada@lab', 'Email has no domain ending: &quot;lab&quot; should be a full domain such as lab.example.org.'],
      ['ada@@lab.example.org', 'Email has more than one @.'],
      ['@lab.example.org', 'Email has nothing before the @.'],
      ['ada lovelace@lab.example.org', 'Email must not contain spaces.'],
    ]) {
      const res = await pb.app.inject({ method: 'POST', url: '/subscribe', headers: FORM, payload: form({ email }) });
      expect(res.statusCode, email).toBe(400);
      expect(res.body, email).toContain(`<p class="field-error" id="email-error">${said}</p>`);
    }
    const api = await pb.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'ada@lab' } });
    expect(api.json().error).toEqual({ code: 'invalid_input', field: 'email', message: expect.stringContaining('has no domain ending') });
  });

  it('a used confirmation link of an address that left offers a link to come back, mailed to it (issue 22, item 18)', async () => {
    await pb.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'left@lab.example.org' } });
    await expect.poll(() => mailsTo('left@lab.example.org').length).toBe(1);
    const confirm = linkPath(mailsTo('left@lab.example.org')[0].text!, 'confirm');
    await pb.app.inject({ method: 'POST', url: confirm, headers: FORM });
    const sub = findByEmail(pb.ctx.db, 'left@lab.example.org')!;
    await pb.app.inject({ method: 'POST', url: pathOf(pb.ctx.links.unsubscribe(sub)), headers: FORM });
    const page = (await pb.app.inject(confirm)).body;
    expect(page).toContain('<h1>This link was used already</h1>');
    expect(page).toMatch(/This confirmation link was used on \w+ \d+ \w+ \d{4}, and left@lab\.example\.org has unsubscribed since\./);
    expect(page).toContain('<button type="submit">Mail me a link to resubscribe</button>');
    const mailed = await submit(pb.app, { url: `${confirm}/mail-link` });
    expect(mailed.body).toContain('We mailed a confirmation link to left@lab.example.org.');
    await expect.poll(() => mailsTo('left@lab.example.org').length).toBe(2);
    expect(mailsTo('left@lab.example.org')[1].subject).toBe('Confirm your Paperboy subscription');
    // A forged or unknown token is still "not valid", and the mail button answers it the same.
    expect((await pb.app.inject({ method: 'POST', url: `${confirm.slice(0, -1)}${confirm.endsWith('A') ? 'B' : 'A'}/mail-link`, headers: FORM })).statusCode).toBe(404);
  });

  it('names who runs the instance at the foot of every page and mail; has a favicon and a robots.txt (issue 22, item 22)', async () => {
    const footer = 'Paperboy is run by Ada Lovelace &lt;<a href="mailto:papers-admin@lab.example.org">papers-admin@lab.example.org</a>&gt;.';
    for (const url of ['/', '/papers', '/subscribe/sent', '/nowhere', '/docs']) {
      const res = await pb.app.inject(url);
      expect(res.body, url).toContain(footer);
    }
    expect((await pb.app.inject('/')).body).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
    const icon = await pb.app.inject('/favicon.svg');
    expect([icon.statusCode, icon.headers['content-type']]).toEqual([200, 'image/svg+xml']);
    expect(icon.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect((await pb.app.inject('/favicon.ico')).headers.location).toBe('/favicon.svg');
    const robots = await pb.app.inject('/robots.txt');
    expect(robots.headers['content-type']).toBe('text/plain; charset=utf-8');
    // Pages behind a link token are never to be crawled; the sign-up page and the archive are.
    for (const path of ['/confirm/', '/unsubscribe/', '/preferences/', '/feedback/', '/digests/']) expect(robots.body).toContain(`Disallow: ${path}\n`);
    expect(robots.body).toContain('Allow: /\n');
    // The mails: every sign-up mail names the operator in its footer.
    await pb.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'footer@lab.example.org' } });
    await expect.poll(() => mailsTo('footer@lab.example.org').length).toBe(1);
    const [mail] = mailsTo('footer@lab.example.org');
    expect(mail.text).toContain('Paperboy is run by Ada Lovelace <papers-admin@lab.example.org>.');
    expect(mail.html).toContain('Paperboy is run by Ada Lovelace &lt;papers-admin@lab.example.org&gt;.');
  });
});

describe('the bundled sample, dates on cards, and past digests', () => {
  let pb: TestPaperboy;
  beforeAll(async () => {
    pb = await startPaperboy({}, { rateLimit: { max: 1000, timeWindowMs: 60_000 } });
    await ingestSampleIfEmpty({ db: pb.ctx.db });
  });
  afterAll(() => pb.close());

  it('labels the sample as a sample until real papers arrive, and dates every card (issue 22, item 17)', async () => {
    const landing = (await pb.app.inject('/')).body;
    expect(landing).toContain('<h2 id="top-heading">Sample papers</h2>');
    expect(landing).toContain(SAMPLE_NOTE);
    expect(landing).not.toContain('Popular new papers');
    // Each card says when its paper came out: the sample's are of June 2026.
    const dates = [...landing.matchAll(/<span>(Published [^<]+)<\/span>/g)].map((m) => m[1]);
    expect(dates).toHaveLength(15);
    for (const d of dates) expect(d).toMatch(/^Published \d{1,2} June 2026$/);
    expect((await pb.app.inject('/papers')).body).toContain(SAMPLE_NOTE);
    const sub = activeSubscriber(pb, 'sample@example.org', { keywords: ['video generation'] });
    const preview = (await pb.app.inject(`${pathOf(pb.ctx.links.preferences(sub))}/preview`)).body;
    expect(preview).toContain(SAMPLE_NOTE);

    // A real source brings papers: the label goes, the heading is what the list is.
    ingestListingFile(pb.ctx.db, 'test/fixtures/hf-papers-page.txt', new Date(Date.now() + 1000));
    // A new app over the same database: the landing page's list is kept 5 s (LANDING_TTL_MS), and this is not about that.
    const app = await buildApp(pb.ctx);
    try {
      const after = (await app.inject('/')).body;
      expect(after).toContain('<h2 id="top-heading">Popular new papers</h2>');
      expect(after).not.toContain(SAMPLE_NOTE);
      expect((await app.inject('/papers')).body).not.toContain(SAMPLE_NOTE);
      expect(after).toMatch(/<span>(Published|First seen) \d{1,2} \w+ \d{4}<\/span>/);
    } finally {
      await app.close();
    }
  });

  it('lists the subscriber\'s past digests on the preferences page, each opening in the browser (issue 22, item 24)', async () => {
    const sub = activeSubscriber(pb, 'reader@example.org', { keywords: ['video generation'] });
    const prefs = pathOf(pb.ctx.links.preferences(sub));
    expect((await pb.app.inject(prefs)).body).not.toContain('Your past digests');
    await sendDueDigests(pb.ctx, new Date());
    const page = (await pb.app.inject(prefs)).body;
    expect(page).toContain('<h2 id="past-heading">Your past digests</h2>');
    const [, href, label, subject] = /<li><a href="(\/digests\/[^"]+)" aria-label="View your digest of ([^"]+) in the browser">[^<]+<\/a> <span class="muted">([^<]+) · \d+ papers<\/span><\/li>/.exec(page)!;
    expect(label).toBe(dayLabel(new Date().toISOString().slice(0, 10)));
    expect(subject.length).toBeGreaterThan(0);
    const view = await pb.app.inject(href);
    expect(view.statusCode).toBe(200);
    expect(view.body).toContain(`Your digest of ${label}`);
    expect(page).toContain('Digests are kept 30 days; each opens in the browser as it was sent.');
  });
});
