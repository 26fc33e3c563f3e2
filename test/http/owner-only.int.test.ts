import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { sendDueDigests } from '../../src/mail/sender.js';
import { findByEmail, getSubscriber } from '../../src/store/subscribers.js';
import { linkPath, startWithSmtp, submit, type TestPaperboy } from '../helpers/app.js';
import type { TestSmtp } from '../helpers/smtp.js';
import { activeSubscriber, dumpDb, FORM, pathOf } from '../helpers/http-fixtures.js';

// Issue 15, items 1–5: only the owner of an address speaks through it or steers it. Everything here goes
// through the real app, a real SQLite file and a real SMTP server on loopback, and reads the mails it receives.

const PHISH = {
  keywords: ['ACTION REQUIRED: your mailbox is over quota', 'restore access at https://evil.example/login'],
  authors: ['IT Helpdesk evil.example'],
  about: 'Your account will be closed today. Call +1 555 0100 to keep it.',
};
const STRANGER_WORDS = ['ACTION REQUIRED', 'evil.example', 'over quota', 'IT Helpdesk', 'account will be closed', '555 0100'];

/** Every link a mail carries: the HTML's hrefs, the URLs of the text part, and List-Unsubscribe. */
function linksOf(mail: ParsedMail): string[] {
  const html = [...String(mail.html).matchAll(/href="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
  const text = [...(mail.text ?? '').matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);
  const list = (mail.headers.get('list') as { unsubscribe?: { url?: string } } | undefined)?.unsubscribe?.url;
  return [...new Set([...html, ...text, ...(list ? [list] : [])])];
}

describe('only the owner of an address acts through it (issue 15)', () => {
  let pb: TestPaperboy;
  let smtp: TestSmtp;
  let close: () => Promise<void>;
  let app: Awaited<ReturnType<typeof buildApp>>;
  const signUp = (payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/api/subscriptions', payload });
  const mailsTo = (email: string) => smtp.messages.filter((m) => JSON.stringify(m.to).includes(email));
  const row = (email: string) => pb.ctx.db.prepare('SELECT * FROM subscribers WHERE email = ?').get(email);
  const ours = (url: string) => url.startsWith(pb.config.PUBLIC_URL);

  beforeAll(async () => {
    ({ pb, smtp, close } = await startWithSmtp({ papers: true }));
    // The per-IP limit raised: every request here comes from one address; the per-address limit stays 3.
    app = await buildApp(pb.ctx, { rateLimit: { max: 10_000, timeWindowMs: 60_000 } });
  });
  afterAll(async () => {
    await app.close();
    await close();
  });

  it("1. a stranger's words never reach the mail: the raw confirmation mail states only the schedule and how to stop", async () => {
    expect((await signUp({ email: 'victim1@example.org', ...PHISH, timezone: 'Europe/Paris', hour: 7 })).statusCode).toBe(202);
    await expect.poll(() => mailsTo('victim1@example.org').length).toBe(1);
    const i = smtp.messages.indexOf(mailsTo('victim1@example.org')[0]);
    const [mail, raw] = [smtp.messages[i], smtp.raw[i].toString('utf8')];
    for (const part of [mail.subject ?? '', mail.text ?? '', String(mail.html), raw]) {
      for (const words of STRANGER_WORDS) expect(part, words).not.toContain(words);
    }
    expect(mail.text).toContain('every day at 07:00 (Europe/Paris)');
    expect(mail.text).toContain('ignore this mail: nothing will be sent');
    expect(mail.text).toContain('Unsubscribe');
    // An active address signed up by a stranger: the owner gets their preferences link, in our words only,
    // and the stranger's interests appear in no later digest either.
    const owner = activeSubscriber(pb, 'victim2@example.org', { keywords: ['counterfactual'] });
    expect((await signUp({ email: 'victim2@example.org', ...PHISH })).statusCode).toBe(202);
    await expect.poll(() => mailsTo('victim2@example.org').length).toBe(1);
    await sendDueDigests(pb.ctx, new Date(Date.now() + 60_000));
    await expect.poll(() => mailsTo('victim2@example.org').length).toBe(2);
    for (const m of mailsTo('victim2@example.org')) {
      for (const words of STRANGER_WORDS) expect(`${m.subject} ${m.text} ${m.html}`, words).not.toContain(words);
    }
    expect(getSubscriber(pb.ctx.db, owner.id)!.profile.keywords).toEqual(['counterfactual']);
  });

  it("2. link scanner: GET and HEAD on every link of a confirmation mail change nothing; the page's button confirms", async () => {
    await signUp({ email: 'scanned@example.org', keywords: ['diffusion'] });
    await expect.poll(() => mailsTo('scanned@example.org').length).toBe(1);
    const [mail] = mailsTo('scanned@example.org');
    const links = linksOf(mail).filter(ours);
    expect(links.some((l) => l.includes('/confirm/'))).toBe(true);
    const before = dumpDb(pb);
    for (const link of links) {
      for (const method of ['GET', 'HEAD'] as const) expect((await app.inject({ method, url: pathOf(link) })).statusCode, `${method} ${link}`).toBeLessThan(500);
    }
    expect(dumpDb(pb)).toBe(before);
    expect(findByEmail(pb.ctx.db, 'scanned@example.org')!.status).toBe('pending');
    const page = await app.inject(linkPath(mail.text!, 'confirm'));
    expect(page.body).toMatch(/<form method="post" action="\/confirm\/[^"]+">/);
    expect(page.body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/); // nothing on the page submits the form by itself
    expect((await submit(app, { url: linkPath(mail.text!, 'confirm'), headers: FORM })).body).toContain('You are subscribed');
    expect(findByEmail(pb.ctx.db, 'scanned@example.org')!.status).toBe('active');
  });

  it('3. link scanner: GET and HEAD on every link of a real digest change nothing: no vote, no unsubscribe', async () => {
    const sub = activeSubscriber(pb, 'reader@example.org', { keywords: ['counterfactual'] });
    await sendDueDigests(pb.ctx, new Date(Date.now() + 60_000));
    await expect.poll(() => mailsTo('reader@example.org').length).toBe(1);
    const [digest] = mailsTo('reader@example.org');
    const links = linksOf(digest).filter(ours);
    expect(links.filter((l) => l.includes('/feedback/')).length).toBeGreaterThanOrEqual(10);
    for (const part of ['/unsubscribe/', '/preferences/', '/digests/']) expect(links.some((l) => l.includes(part)), part).toBe(true);
    const before = dumpDb(pb);
    // In mail order, as a scanner opens them, twice over.
    for (let round = 0; round < 2; round++) {
      for (const link of links) {
        for (const method of ['GET', 'HEAD'] as const) expect((await app.inject({ method, url: pathOf(link) })).statusCode, `${method} ${link}`).toBeLessThan(500);
      }
    }
    expect(dumpDb(pb)).toBe(before);
    expect(pb.ctx.db.prepare('SELECT count(*) FROM votes WHERE subscriber_id = ?').pluck().get(sub.id)).toBe(0);
    expect(getSubscriber(pb.ctx.db, sub.id)!.status).toBe('active');
  });

  it('4. every token does one thing, no link shows a sequential id, and unsubscribe, resubscribe and delete retire what must stop working', async () => {
    const sub = activeSubscriber(pb, 'scoped@example.org', { keywords: ['counterfactual'] });
    await sendDueDigests(pb.ctx, new Date(Date.now() + 60_000));
    await expect.poll(() => mailsTo('scoped@example.org').length).toBe(1);
    const links = linksOf(mailsTo('scoped@example.org')[0]).filter(ours).map(pathOf);
    const tokenOf = (part: string) => links.find((l) => l.startsWith(part))!.split('/')[2];
    const [unsub, manage, digest] = [tokenOf('/unsubscribe/'), tokenOf('/preferences/'), tokenOf('/digests/')];
    const paper = decodeURIComponent(links.find((l) => l.startsWith('/feedback/'))!.split('/')[3]);
    // No sequential id: not in any link, not in the Message-ID.
    for (const l of links) expect(l).not.toMatch(new RegExp(`/(${sub.id}|${sub.id.toString(36)})[./]`));
    expect(String(mailsTo('scoped@example.org')[0].messageId)).not.toContain(`.${sub.id}.`);
    const status = async (method: 'GET' | 'POST', url: string) => (await app.inject({ method, url, headers: method === 'POST' ? FORM : {} })).statusCode;
    // Each token works where it belongs …
    expect(await status('GET', `/preferences/${manage}`)).toBe(200);
    expect(await status('GET', `/unsubscribe/${unsub}`)).toBe(200);
    expect(await status('GET', `/digests/${digest}`)).toBe(200);
    expect(await status('GET', `/feedback/${digest}/${encodeURIComponent(paper)}/up`)).toBe(200);
    // … and nowhere else.
    const before = dumpDb(pb);
    for (const t of [unsub, digest]) {
      expect(await status('GET', `/preferences/${t}`)).toBe(404);
      expect(await status('POST', `/preferences/${t}/delete`)).toBe(400); // the box is required before the token is read
      expect(await status('POST', `/preferences/${t}/resubscribe`)).toBe(404);
    }
    for (const t of [manage, digest]) expect(await status('POST', `/unsubscribe/${t}`)).toBe(404);
    for (const t of [manage, unsub]) {
      expect(await status('POST', `/feedback/${t}/${encodeURIComponent(paper)}/up`)).toBe(404);
      expect(await status('GET', `/digests/${t}`)).toBe(404);
    }
    expect(dumpDb(pb)).toBe(before);
    // A feedback token votes on its own digest's papers only.
    await sendDueDigests(pb.ctx, new Date(Date.now() + 86_400_000 + 60_000));
    await expect.poll(() => mailsTo('scoped@example.org').length).toBe(2);
    const nextPaper = decodeURIComponent(linksOf(mailsTo('scoped@example.org')[1]).map(pathOf).find((l) => l.startsWith('/feedback/'))!.split('/')[3]);
    expect(await status('POST', `/feedback/${digest}/${encodeURIComponent(nextPaper)}/up`)).toBe(404);
    expect(await status('POST', `/feedback/${digest}/${encodeURIComponent(paper)}/up`)).toBe(303);

    // Unsubscribing retires the preferences and digest links; the unsubscribe link still answers (repeats are harmless).
    expect(await status('POST', `/unsubscribe/${unsub}`)).toBe(303);
    expect(await status('GET', `/preferences/${manage}`)).toBe(404);
    expect(await status('GET', `/digests/${digest}`)).toBe(404);
    expect(await status('POST', `/feedback/${digest}/${encodeURIComponent(paper)}/down`)).toBe(404);
    expect(await status('POST', `/unsubscribe/${unsub}`)).toBe(303);
    // The owner asks for a preferences link by mail, and resubscribes with it: the old unsubscribe link retires.
    expect(await status('POST', `/unsubscribe/${unsub}/preferences-link`)).toBe(303);
    await expect.poll(() => mailsTo('scoped@example.org').length).toBe(3);
    const fresh = linkPath(mailsTo('scoped@example.org')[2].text!, 'preferences');
    expect(fresh).not.toContain(manage);
    expect(await status('POST', `${fresh}/resubscribe`)).toBe(303);
    expect(getSubscriber(pb.ctx.db, sub.id)!.status).toBe('active');
    expect(await status('GET', `/unsubscribe/${unsub}`)).toBe(404);
    expect(await status('POST', `/unsubscribe/${unsub}`)).toBe(404);
    // Deleting the data retires everything.
    const current = getSubscriber(pb.ctx.db, sub.id)!;
    const now = [pb.ctx.links.unsubscribe(current), pb.ctx.links.preferences(current)].map(pathOf);
    expect((await app.inject({ method: 'POST', url: `${fresh}/delete`, payload: 'confirm=yes', headers: FORM })).statusCode).toBe(303);
    for (const url of [...now, fresh]) expect(await status('GET', url)).toBe(404);
  });

  it('4. a used confirmation link is spent, and its page never hands out the preferences link: it mails it to the address', async () => {
    await signUp({ email: 'once@example.org' });
    await expect.poll(() => mailsTo('once@example.org').length).toBe(1);
    const confirm = linkPath(mailsTo('once@example.org')[0].text!, 'confirm');
    const done = await app.inject({ method: 'POST', url: confirm, headers: FORM });
    expect(done.headers.location).toMatch(/^\/preferences\/[^/]+\?done=confirmed$/); // to the person who just pressed the button
    const again = await app.inject({ method: 'GET', url: confirm });
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('You’re already subscribed');
    expect(again.body).not.toContain('/preferences/');
    // Pressed again: nothing applied twice, and the answer is that page, not the preferences.
    const twice = await app.inject({ method: 'POST', url: confirm, headers: FORM });
    expect([twice.statusCode, twice.headers.location]).toEqual([303, confirm]);
    // Its button mails the preferences link to the address, never to whoever holds the link.
    expect((await app.inject({ method: 'POST', url: `${confirm}/mail-link`, headers: FORM })).headers.location).toBe(`${confirm}?done=link`);
    await expect.poll(() => mailsTo('once@example.org').length).toBe(2);
    expect(mailsTo('once@example.org')[1].subject).toMatch(/preferences link/);
  });

  it('5. a sign-up never changes an existing record: pending, unsubscribed and active rows stay as they are, earlier links keep working', async () => {
    // The owners: one pending with their own confirmation mail, one who left, one subscribed.
    await signUp({ email: 'pending@example.org', keywords: ['mine'], hour: 6 });
    await expect.poll(() => mailsTo('pending@example.org').length).toBe(1);
    const ownLink = linkPath(mailsTo('pending@example.org')[0].text!, 'confirm');
    const left = activeSubscriber(pb, 'left@example.org', { keywords: ['mine'] });
    expect((await app.inject({ method: 'POST', url: pathOf(pb.ctx.links.unsubscribe(left)), headers: FORM })).statusCode).toBe(303);
    activeSubscriber(pb, 'active@example.org', { keywords: ['mine'] });
    const owners = ['pending@example.org', 'left@example.org', 'active@example.org'];
    const rows = owners.map(row);
    // A stranger signs each of them up with other interests, twice (the third allowed sign-up is the owner's below).
    const answers: string[] = [];
    for (const email of [...owners, 'nobody-yet@example.org']) {
      for (let i = 0; i < 2; i++) {
        const res = await signUp({ email, ...PHISH, hour: 3, timezone: 'Asia/Tokyo' });
        answers.push(`${res.statusCode} ${res.body}`);
      }
    }
    expect(new Set(answers)).toEqual(new Set(['202 {"status":"pending"}'])); // the same answer whatever the state
    expect(owners.map(row)).toEqual(rows);
    // The owner's earlier confirmation link still works, and applies what the owner asked for, not the stranger.
    expect((await app.inject(ownLink)).body).toContain('mine');
    expect((await submit(app, { url: ownLink, headers: FORM })).body).toContain('You are subscribed');
    expect(findByEmail(pb.ctx.db, 'pending@example.org')).toMatchObject({ status: 'active', hour: 6, profile: { keywords: ['mine'], authors: [] } });
    // The address that left stays unsubscribed until its owner confirms from the inbox.
    expect(findByEmail(pb.ctx.db, 'left@example.org')!.status).toBe('unsubscribed');
    // The subscribed owner got their preferences link, once per sign-up, within the per-address limit.
    await expect.poll(() => mailsTo('active@example.org').map((m) => m.subject)).toEqual(['Your Paperboy preferences link', 'Your Paperboy preferences link']);
  });
});
