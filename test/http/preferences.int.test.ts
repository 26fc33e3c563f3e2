import Handlebars from 'handlebars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestListingFile } from '../helpers/papers.js';
import { sendDueDigests } from '../../src/mail/sender.js';
import { emailHash } from '../../src/store/address-guard.js';
import { isDeliveryDay } from '../../src/digest/due.js';
import { getSubscriber } from '../../src/store/subscribers.js';
import { startPaperboy, submit, type TestPaperboy } from '../helpers/app.js';
import { activeSubscriber, dumpDb, form, FORM, pathOf } from '../helpers/http-fixtures.js';

// /preferences/<token>: every setting editable, resubscribe, and delete-my-data, against a real SQLite file.
describe('preferences', () => {
  let pb: TestPaperboy;
  const post = (url: string, payload: string) => pb.app.inject({ method: 'POST', url, payload, headers: FORM });
  /** The id of the latest sign-up request of an address. */
  const lastRequest = (email: string) => pb.ctx.db.prepare(
    'SELECT r.id FROM signup_requests r JOIN subscribers s ON s.id = r.subscriber_id WHERE s.email = ? ORDER BY r.id DESC LIMIT 1').pluck().get(email) as number;

  beforeAll(async () => {
    // Many form posts from one address in a minute: more than the per-IP limit lets a person send.
    pb = await startPaperboy({}, { rateLimit: { max: 1000, timeWindowMs: 60_000 } });
    ingestListingFile(pb.ctx.db, 'test/fixtures/hf-papers-page.txt');
    pb.ctx.db.prepare(`UPDATE papers SET categories = '["cs.CV","cs.LG"]' WHERE rowid % 2 = 0`).run();
  });
  afterAll(() => pb.close());

  it('shows the current settings, with categories seen in the store', async () => {
    const sub = activeSubscriber(pb, 'prefs@example.org', { keywords: ['diffusion', 'video'], categories: ['cs.LG'], timezone: 'Europe/Paris', hour: 7 });
    const res = await pb.app.inject(pathOf(pb.ctx.links.preferences(sub)));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('value="diffusion, video"');
    expect(res.body).toContain('<option value="Europe/Paris" selected>Paris</option>');
    expect(res.body).toMatch(/<option value="7" selected>07:00<\/option>/);
    expect(res.body).toMatch(/value="cs\.LG" checked> <span>Machine Learning <span class="code">cs\.LG<\/span>/);
    expect(res.body).toMatch(/value="cs\.CV"> <span>Computer Vision and Pattern Recognition/);
  });

  it('saves every preference from the form', async () => {
    const sub = activeSubscriber(pb, 'edit@example.org');
    const url = pathOf(pb.ctx.links.preferences(sub));
    const res = await submit(pb.app, { url, headers: FORM, payload: form({
      keywords: 'retrieval, rag', categories: ['cs.CV', 'cs.LG'], authors: 'Ada Lovelace', about: 'I build search engines',
      papers: '2404.12345', hour: '18', timezone: 'Asia/Tokyo', frequency: 'weekly', weekday: '5', digestSize: '5', weakDay: 'note', pausedUntil: '2037-12-24',
    }) });
    expect(res.posted).toBe(303); // Post/Redirect/Get: reloading the page sends nothing again
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<p class="notice" role="status">Saved.</p>');
    expect(res.body).toContain('Your digest goes out every Friday at 18:00 (Asia/Tokyo); it is paused, so the next one goes out on Friday 25 December 2037.');
    const saved = getSubscriber(pb.ctx.db, sub.id)!;
    expect(saved.profile).toMatchObject({ keywords: ['retrieval', 'rag'], categories: ['cs.CV', 'cs.LG'], authors: ['Ada Lovelace'], about: 'I build search engines', papers: ['2404.12345'] });
    expect(saved).toMatchObject({ hour: 18, timezone: 'Asia/Tokyo', frequency: 'weekly', weekday: 5, digestSize: 5, weakDay: 'note', pausedUntil: '2037-12-24' });
    // The schedule the sender reads: paused until Christmas Eve, then Fridays only.
    expect(isDeliveryDay(saved, '2037-12-18')).toBe(false);
    expect(isDeliveryDay(saved, '2037-12-24')).toBe(false); // a Thursday
    expect(isDeliveryDay(saved, '2037-12-25')).toBe(true);
    // Clearing: blank fields and no boxes ticked empty the lists and lift the pause.
    await post(url, form({ keywords: '', hour: '8', timezone: 'UTC', frequency: 'daily', weekday: '1', digestSize: '10', pausedUntil: '' }));
    expect(getSubscriber(pb.ctx.db, sub.id)).toMatchObject({ profile: { keywords: [], categories: [] }, frequency: 'daily', pausedUntil: null });
  });

  it.each([
    ['an hour of 24', { hour: '24' }, 'hour', 'Choose a delivery time from the list.'],
    ['a digest of 0 papers', { digestSize: '0' }, 'digestSize', 'Choose a number from 1 to 50.'],
    ['a made-up timezone', { timezone: 'Mars/Olympus' }, 'timezone', 'Choose your timezone from the list, such as Europe/Paris.'],
    ['a weekday of 7', { weekday: '7' }, 'weekday', 'Choose a day of the week from the list.'],
    ['a pause date that is not a date', { pausedUntil: '2026-13-45' }, 'pausedUntil', 'Pause until must be a date such as 2026-12-24.'],
    ['an unknown frequency', { frequency: 'hourly' }, 'frequency', 'Choose every day or once a week.'],
    ['an unknown weak-day choice', { weakDay: 'shout' }, 'weakDay', 'Choose what a quiet day sends.'],
    ['a seed paper that is no arXiv id', { papers: '2404.12345, my favourite' }, 'papers', 'Papers you liked: “my favourite” is not an arXiv id or link, such as 2406.01234 or https://arxiv.org/abs/2406.01234.'],
  ])('refuses %s with the form again, the error beside the field and what was typed kept, changing nothing', async (_n, bad, field, message) => {
    const sub = activeSubscriber(pb, 'strict@example.org');
    const before = dumpDb(pb);
    const res = await post(pathOf(pb.ctx.links.preferences(sub)), form({ hour: '8', keywords: 'typed, not lost', about: 'Kept <too>', ...bad }));
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain(`<p class="field-error" id="${field}-error">${Handlebars.escapeExpression(message)}</p>`);
    expect(res.body).toContain(`<li><a href="#${field}">${Handlebars.escapeExpression(message)}</a></li>`); // the summary above the form
    expect(res.body).toContain('value="typed, not lost"');
    expect(res.body).toContain('>Kept &lt;too&gt;</textarea>');
    expect(res.body).toContain(`<form class="card" method="post" action="${pathOf(pb.ctx.links.preferences(sub))}" enctype="multipart/form-data" novalidate>`);
    expect(dumpDb(pb)).toBe(before);
  });

  it('refuses a field the form does not have with a page naming it, changing nothing', async () => {
    const sub = activeSubscriber(pb, 'strict@example.org');
    const before = dumpDb(pb);
    const res = await post(pathOf(pb.ctx.links.preferences(sub)), form({ hour: '8', admin: '1' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Unknown field: admin');
    expect(res.body).toContain(`<a href="${pathOf(pb.ctx.links.preferences(sub))}">Back to your preferences</a>`);
    expect(dumpDb(pb)).toBe(before);
  });

  it('after unsubscribing offers to mail a confirmation or the preferences link, and the mailed link resubscribes', async () => {
    const sub = activeSubscriber(pb, 'back@example.org');
    const unsub = pathOf(pb.ctx.links.unsubscribe(sub));
    const page = await pb.app.inject(unsub);
    expect(page.body).toContain(`action="${unsub}/preferences-link"`);
    expect(page.body).not.toContain('/preferences/'); // the unsubscribe link does not open preferences
    const done = await submit(pb.app, { url: unsub, headers: FORM, payload: '' });
    expect(done.posted).toBe(303);
    expect(done.body).toContain('You are unsubscribed');
    expect(done.body).toContain(`action="${unsub}/resubscribe"`);
    expect(done.body).not.toContain(`<form method="post" action="${unsub}">`); // no Unsubscribe button for an address that left
    expect(getSubscriber(pb.ctx.db, sub.id)!.status).toBe('unsubscribed');
    expect((await pb.app.inject(unsub)).body).toContain('You are unsubscribed'); // the link opened again says so too
    const mailed = await submit(pb.app, { url: `${unsub}/preferences-link`, headers: FORM, payload: '' });
    expect(mailed.posted).toBe(303);
    expect(mailed.body).toContain('We mailed the link to your preferences');
    expect(pb.ctx.db.prepare('SELECT kind FROM signup_requests WHERE subscriber_id = ? ORDER BY id DESC LIMIT 1').pluck().get(sub.id)).toBe('manage');
    // The link that mail carries (signed after leaving) resubscribes.
    const again = await submit(pb.app, { url: `${pathOf(pb.ctx.links.preferences(getSubscriber(pb.ctx.db, sub.id)!))}/resubscribe`, headers: FORM, payload: '' });
    expect(again.posted).toBe(303);
    expect(again.body).toContain('You are subscribed again');
    expect(getSubscriber(pb.ctx.db, sub.id)!.status).toBe('active');
  });

  it('deletes the data, keeps only a hashed suppression, and kills every old link', async () => {
    const sub = activeSubscriber(pb, 'Forget.Me@Example.org');
    expect(await sendDueDigests(pb.ctx, new Date(Date.now() + 60_000))).toMatchObject({ sent: expect.any(Number) });
    const digests = () => pb.ctx.db.prepare('SELECT count(*) FROM digests WHERE subscriber_id = ?').pluck().get(sub.id);
    expect(digests()).toBe(1);
    const prefs = pathOf(pb.ctx.links.preferences(sub));
    const refused = await post(`${prefs}/delete`, '');
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('tick the box');
    const res = await submit(pb.app, { url: `${prefs}/delete`, headers: FORM, payload: form({ confirm: 'yes' }) });
    expect(res.posted).toBe(303);
    expect(res.body).toContain('Your data is deleted');
    expect(getSubscriber(pb.ctx.db, sub.id)).toBeUndefined();
    expect(digests()).toBe(0);
    expect(pb.ctx.db.prepare('SELECT count(*) FROM digest_items WHERE subscriber_id = ?').pluck().get(sub.id)).toBe(0);
    expect(pb.ctx.db.prepare('SELECT email_hash FROM suppressions').pluck().all()).toContain(emailHash(pb.ctx.secret, 'forget.me@example.org'));
    expect(dumpDb(pb).toLowerCase()).not.toContain('forget.me');

    // The deleted subscriber had the highest id: a new sign-up must not inherit it, or old links would open the new row.
    const newcomer = await pb.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'next@example.org' } });
    expect(newcomer.statusCode).toBe(202);
    const nextId = pb.ctx.db.prepare("SELECT id FROM subscribers WHERE email = 'next@example.org'").pluck().get() as number;
    expect(nextId).toBeGreaterThan(sub.id);
    for (const url of [prefs, pathOf(pb.ctx.links.unsubscribe(sub)), `${prefs}/resubscribe`]) {
      const r = url.endsWith('resubscribe') ? await post(url, '') : await pb.app.inject(url);
      expect(r.statusCode).toBe(404);
      expect(r.body).toContain('This link is not valid');
    }
  });

  it('lifts the suppression only when a new sign-up of the address is confirmed', async () => {
    const hash = emailHash(pb.ctx.secret, 'forget.me@example.org');
    const suppressed = () => pb.ctx.db.prepare('SELECT count(*) FROM suppressions WHERE email_hash = ?').pluck().get(hash);
    expect((await pb.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'forget.me@example.org' } })).statusCode).toBe(202);
    expect(suppressed()).toBe(1);
    const confirm = pathOf(pb.ctx.links.confirm(lastRequest('forget.me@example.org')));
    expect((await pb.app.inject(confirm)).statusCode).toBe(200);
    expect(suppressed()).toBe(1); // opening the page is not confirming
    expect((await submit(pb.app, { url: confirm, headers: FORM, payload: '' })).body).toContain('You are subscribed');
    expect(suppressed()).toBe(0);
  });

  it('shows a page for an expired confirmation link and leaves the address pending', async () => {
    const res = await pb.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'late@example.org' } });
    expect(res.statusCode).toBe(202);
    pb.ctx.db.prepare('UPDATE signup_requests SET created_at = ? WHERE id = ?').run(new Date(Date.now() - 8 * 86_400_000).toISOString(), lastRequest('late@example.org'));
    const confirm = pathOf(pb.ctx.links.confirm(lastRequest('late@example.org')));
    for (const page of [await pb.app.inject(confirm), await post(confirm, '')]) {
      expect(page.statusCode).toBe(410);
      expect(page.body).toContain('This confirmation link has expired');
      expect(page.body).toContain('Sign up again');
    }
    expect(pb.ctx.db.prepare("SELECT status FROM subscribers WHERE email = 'late@example.org'").pluck().get()).toBe('pending');
  });

  it('accepts an RFC 8058 one-click unsubscribe sent as multipart/form-data', async () => {
    const sub = activeSubscriber(pb, 'gmail-style@example.org');
    const body = '--b0undary\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b0undary--\r\n';
    const res = await pb.app.inject({ method: 'POST', url: pathOf(pb.ctx.links.unsubscribe(sub)), payload: body, headers: { 'content-type': 'multipart/form-data; boundary=b0undary' } });
    expect(res.statusCode).toBe(200);
    expect(getSubscriber(pb.ctx.db, sub.id)!.status).toBe('unsubscribed');
  });
});
