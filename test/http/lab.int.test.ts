// An instance run for one lab: its name on pages and in mail headers, sign-ups from its domains only,
// and a fresh install whose bundled sample looks like the real thing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestSampleIfEmpty } from '../../src/ingest/sample.js';
import { sendDueDigests } from '../../src/mail/sender.js';
import { upsertPapers } from '../../src/store/papers.js';
import { linkPath, startPaperboy, type TestPaperboy } from '../helpers/app.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

describe('an instance for a lab', () => {
  let pb: TestPaperboy;
  let smtp: TestSmtp;

  beforeAll(async () => {
    smtp = await startSmtp();
    pb = await startPaperboy({
      SMTP_URL: smtp.url, PUBLIC_URL: 'https://papers.vision.example.org', INSTANCE_NAME: 'Vision Lab papers',
      ALLOWED_EMAIL_DOMAINS: 'vision.example.org, example.edu',
    });
    await ingestSampleIfEmpty({ db: pb.ctx.db });
  });
  afterAll(async () => {
    await pb.close();
    await smtp.close();
  });

  it('refuses sign-ups from other domains with a 400 that says which domains are open', async () => {
    const outside = await pb.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'eve@gmail.com' } });
    expect(outside.statusCode).toBe(400);
    expect(outside.json()).toEqual({ error: { code: 'domain_not_allowed', message: 'Sign-ups are open to addresses at vision.example.org, example.edu only', field: 'email' } });
    const form = await pb.app.inject({ method: 'POST', url: '/subscribe', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'email=eve%40vision.example.org.evil.com' });
    expect(form.statusCode).toBe(400);
    expect(form.body).toContain('Sign-ups are open to addresses at vision.example.org, example.edu only');
    for (const email of ['ada@vision.example.org', 'bob@cs.example.edu']) {
      expect((await pb.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email } })).statusCode).toBe(202);
    }
    expect(pb.ctx.db.prepare('SELECT email FROM subscribers ORDER BY id').pluck().all()).toEqual(['ada@vision.example.org', 'bob@cs.example.edu']);
  });

  it('names the instance in page titles and says who may sign up', async () => {
    const home = await pb.app.inject('/');
    expect(home.body).toContain('<title>Research papers for you, by mail · Vision Lab papers</title>');
    expect(home.body).toContain('<span aria-hidden="true">📬</span> Vision Lab papers</a>');
    expect(home.body).toContain('An address at vision.example.org, example.edu');
  });

  it('shows the bundled sample as real papers: authors, upvotes, abstract links, and categories to sign up for', async () => {
    const home = (await pb.app.inject('/')).body;
    const items = home.split('<li>').slice(1);
    expect(items).toHaveLength(15);
    for (const item of items) {
      expect(item).toMatch(/<a class="title" href="https:\/\/arxiv\.org\/abs\/\d{4}\.\d{5}">/);
      expect(item).toMatch(/<div class="muted">[^<]+<\/div>/); // authors
      expect(item).toMatch(/▲ \d+/);
      expect(item).toContain('>Abstract</a>');
    }
    expect(home).not.toContain('No categories seen in the papers yet');
    expect(home.match(/name="categories" value="[^"]+"/g)!.length).toBeGreaterThanOrEqual(10);
    expect(home).toContain('value="cs.CV"');
  });

  it('says "Search arXiv" where only a title is known', async () => {
    upsertPapers(pb.ctx.db, [{ id: 'title:abc123', title: 'A paper known by its title alone', abstract: '', authors: [], categories: [], published: null, url: null, upvotes: 999 }]);
    // The day's archive page (the landing page keeps its list for a few seconds).
    const day = (await pb.app.inject(`/papers/${new Date().toISOString().slice(0, 10)}`)).body;
    const item = day.split('<li>').find((i) => i.includes('A paper known by its title alone'))!;
    expect(item).toContain('>Search arXiv</a>');
    expect(item).not.toContain('>Abstract</a>');
  });

  it('puts the instance in the digest\'s From, List-Id and header', async () => {
    pb.ctx.db.prepare(`UPDATE subscribers SET status = 'active', hour = 0, keywords = '["video generation","diffusion"]' WHERE email = 'ada@vision.example.org'`).run();
    smtp.messages.length = 0;
    await sendDueDigests(pb.ctx, new Date(Date.now() + 60_000));
    const digest = (await smtp.waitFor(1)).find((m) => (m.to as { text: string }).text === 'ada@vision.example.org' && !m.subject?.startsWith('Confirm'))!;
    expect(digest.from?.value).toEqual([{ name: 'Vision Lab papers', address: 'digest@papers.vision.example.org' }]);
    expect(digest.headerLines.find((h) => h.key === 'list-id')?.line).toBe('List-Id: Vision Lab papers digest <digest.papers.vision.example.org>');
    expect(digest.text).toMatch(/^.+\nVision Lab papers · /);
    expect(digest.text).toContain('subscribed to Vision Lab papers at https://papers.vision.example.org');
  });

  it('names the instance in the sign-up mails and on the pages their links and a digest\'s vote links open', async () => {
    const to = (email: string) => smtp.messages.filter((m) => (m.to as { text: string }).text === email);
    // A new address gets a confirmation link; ada, subscribed above, her preferences link.
    expect((await pb.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'cy@vision.example.org' } })).statusCode).toBe(202);
    await expect.poll(() => to('cy@vision.example.org')).toHaveLength(1);
    const confirmMail = to('cy@vision.example.org')[0];
    expect(confirmMail.subject).toBe('Confirm your Vision Lab papers subscription');
    expect(confirmMail.text).toContain('asked Vision Lab papers to send');
    const confirmPage = await pb.app.inject(linkPath(confirmMail.text!, 'confirm'));
    expect(confirmPage.body).toContain('<title>Confirm your subscription · Vision Lab papers</title>');

    const digest = to('ada@vision.example.org').find((m) => !m.subject?.startsWith('Confirm'))!;
    const vote = await pb.app.inject(linkPath(digest.text!, 'feedback'));
    expect(vote.statusCode).toBe(200);
    expect(vote.body).toMatch(/<title>[^<]+ · Vision Lab papers<\/title>/);

    smtp.messages.length = 0;
    expect((await pb.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'ada@vision.example.org' } })).statusCode).toBe(202);
    const manage = (await smtp.waitFor(1))[0];
    expect(manage.subject).toBe('Your Vision Lab papers preferences link');
    expect(manage.text).toContain('asked Vision Lab papers for the preferences link');
    expect(manage.text).not.toContain('Paperboy');
  });
});
