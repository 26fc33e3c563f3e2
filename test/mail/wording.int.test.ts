import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayLabel, localDayHour, momentLabel } from '../../src/digest/due.js';
import { makeRanker } from '../../src/digest/choose.js';
import { sendDueDigests } from '../../src/mail/sender.js';
import { findByEmail } from '../../src/store/subscribers.js';
import { form, FORM, dumpDb, pathOf } from '../helpers/http-fixtures.js';
import { linkPath, startWithSmtp, submit, type TestPaperboy } from '../helpers/app.js';
import type { TestSmtp } from '../helpers/smtp.js';

// Words that match what happens, in the mails as an SMTP server receives them and on the pages their links open:
// daily or weekly, the schedule, when the link expires, when the first digest really comes.
describe('mails and pages say what happens', () => {
  let pb: TestPaperboy;
  let smtp: TestSmtp;
  let close: () => Promise<void>;
  const to = (email: string) => smtp.messages.filter((m) => (m.to as { text: string }).text === email);

  beforeAll(async () => {
    ({ pb, smtp, close } = await startWithSmtp({ papers: true }));
  });
  afterAll(() => close());

  it('a weekly sign-up: the confirmation mail says weekly, the day, hour and zone, and until when its link works', async () => {
    const signed = await submit(pb.app, { url: '/subscribe', headers: FORM, payload: form({
      email: 'weekly@example.org', keywords: 'counterfactual', frequency: 'weekly', weekday: '1', hour: '7', timezone: 'Europe/Paris' }) });
    expect(signed.body).toContain('A mail is on its way to weekly@example.org');
    await expect.poll(() => to('weekly@example.org').length).toBe(1);
    const [mail] = to('weekly@example.org');
    const created = pb.ctx.db.prepare('SELECT created_at FROM signup_requests ORDER BY id DESC LIMIT 1').pluck().get() as string;
    const expires = `${momentLabel(new Date(Date.parse(created) + 7 * 86_400_000), 'Europe/Paris')} (Europe/Paris)`;
    for (const part of [mail.text!.replace(/\s+/g, ' '), String(mail.html).replace(/\s+/g, ' ')]) {
      expect(part).toContain('a weekly digest of research papers to weekly@example.org, every Monday at 07:00 (Europe/Paris)');
      expect(part).toContain(`The link works until ${expires} (7 days)`);
      expect(part).toContain('Every digest has a one-click Unsubscribe link');
      expect(part).not.toMatch(/daily|every day/);
    }
    expect(String(mail.html)).toContain('start your weekly digest'); // the preview line of the inbox list
    const page = await pb.app.inject(linkPath(mail.text!, 'confirm'));
    expect(page.body).toContain('Press the button to start your weekly digest of research papers to weekly@example.org. Your digest goes out every Monday at 07:00 (Europe/Paris)');
  });

  it('a confirmation after the hour: the page says the first digest comes within minutes, and it does', async () => {
    const signed = await submit(pb.app, { url: '/subscribe', headers: FORM, payload: form({ email: 'daily@example.org', keywords: 'counterfactual', hour: '0', timezone: 'UTC' }) });
    expect(signed.statusCode).toBe(200);
    await expect.poll(() => to('daily@example.org').length).toBe(1);
    const confirmed = await submit(pb.app, { url: linkPath(to('daily@example.org')[0].text!, 'confirm'), headers: FORM });
    expect(confirmed.body).toContain('<h1>You are subscribed</h1>');
    expect(confirmed.body).toContain('Your digest goes out every day at 00:00 (UTC). It is past 00:00 there already, so today&#x27;s goes out within a few minutes.');
    expect(await sendDueDigests(pb.ctx, new Date(Date.now() + 60_000))).toMatchObject({ sent: 1 });
    const prefs = pathOf(pb.ctx.links.preferences(findByEmail(pb.ctx.db, 'daily@example.org')!));
    expect((await pb.app.inject(prefs)).body).toContain('Your digest goes out every day at 00:00 (UTC); the next one tomorrow.');
    const digest = to('daily@example.org')[1];
    expect(digest.text).toMatch(/^\d+ papers for you today\n/);
    expect(digest.text).toContain('You get this daily digest because daily@example.org subscribed');
  });

  it('a weekly digest says "this week" and its List-Id names no frequency; its vote buttons say what they do', async () => {
    const today = new Date(`${localDayHour(new Date(), 'UTC').date}T12:00:00Z`).getUTCDay();
    const confirm = linkPath(to('weekly@example.org')[0].text!, 'confirm');
    await submit(pb.app, { url: confirm, headers: FORM });
    pb.ctx.db.prepare("UPDATE subscribers SET weekday = ?, hour = 0, timezone = 'UTC' WHERE email = 'weekly@example.org'").run(today);
    expect(await sendDueDigests(pb.ctx, new Date(Date.now() + 60_000))).toMatchObject({ sent: 1 });
    await expect.poll(() => to('weekly@example.org').length).toBe(2);
    const digest = to('weekly@example.org')[1];
    expect(digest.text).toMatch(/^\d+ papers for you this week\n/);
    expect(digest.text).toContain('You get this weekly digest because weekly@example.org subscribed');
    expect(digest.text).not.toContain('today');
    expect(digest.headerLines.find((h) => h.key === 'list-id')?.line).toBe('List-Id: Paperboy digest <digest.paperboy.test>');
    const html = String(digest.html);
    expect(html.match(/>👍 More like this<\/a>/g)!.length).toBeGreaterThan(0);
    expect(html.match(/>👍 More like this<\/a>/g)!.length).toBe(html.match(/>👎 Fewer like this<\/a>/g)!.length);
    expect(digest.text).toMatch(/ {3}👎 Fewer like this: http:\/\/paperboy\.test\/feedback\//);
    expect(`${html} ${digest.text}`).not.toContain('Less like this');
  });

  it('previews the next digest on the preferences page with the ranking `paperboy preview` runs, recording nothing', async () => {
    const sub = findByEmail(pb.ctx.db, 'daily@example.org')!;
    pb.ctx.db.prepare("DELETE FROM digests WHERE subscriber_id = ?").run(sub.id); // as before its first digest
    const prefs = pathOf(pb.ctx.links.preferences(sub));
    const before = dumpDb(pb);
    const res = await pb.app.inject(`${prefs}/preview`);
    expect(res.statusCode).toBe(200);
    expect(dumpDb(pb)).toBe(before);
    expect(res.body).toContain('<h1 class="mail-heading">Preview of your next digest</h1>');
    expect(res.body).toContain(`<a href="${prefs}">← Back to your preferences</a>`);
    expect(res.body).toContain(dayLabel(localDayHour(new Date(), 'UTC').date));
    const expected = makeRanker(pb.ctx.db, new Date())(sub).map((r) => r.paper.title);
    expect(expected.length).toBeGreaterThan(2);
    const at = expected.map((t, i) => res.body.indexOf(`${i + 1}. ${t.replace(/&/g, '&amp;')}`));
    expect(at.every((p, i) => p > 0 && (i === 0 || p > at[i - 1]))).toBe(true);
    // Nothing to vote on or view yet: a preview is no digest.
    expect(res.body).not.toContain('/feedback/');
    expect(res.body).not.toContain('View in browser');
    expect(res.headers['content-security-policy']).toContain("form-action 'none'");
  });
});
