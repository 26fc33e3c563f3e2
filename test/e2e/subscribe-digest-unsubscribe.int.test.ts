import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendDueDigests } from '../../src/mail/sender.js';
import { linkPath, startWithSmtp, submit, type TestPaperboy } from '../helpers/app.js';
import type { TestSmtp } from '../helpers/smtp.js';

// The whole loop against a real SQLite file and a real SMTP server on loopback.
describe('sign up → confirm → digest → one-click unsubscribe', () => {
  let smtp: TestSmtp;
  let pb: TestPaperboy;
  const day1 = new Date(Date.now() + 60_000);
  const day2 = new Date(day1.getTime() + 86_400_000);

  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ pb, smtp, close } = await startWithSmtp({ papers: true }));
  });
  afterAll(() => close());

  it('runs the loop a subscriber lives through', async () => {
    const res = await pb.app.inject({
      method: 'POST', url: '/api/subscriptions',
      payload: { email: 'ada@example.org', keywords: ['counterfactual'], timezone: 'UTC', hour: 0 },
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ status: 'pending' });

    const [confirmation] = await smtp.waitFor(1);
    expect(confirmation.subject).toBe('Confirm your Paperboy subscription');
    expect((await sendDueDigests(pb.ctx, day1)).due).toBe(0); // pending: nothing due yet

    // The link opens a page; its button confirms.
    const confirmPage = await pb.app.inject({ method: 'GET', url: linkPath(confirmation.text!, 'confirm') });
    expect(confirmPage.body).toContain('Confirm subscription');
    const confirmed = await submit(pb.app, { url: linkPath(confirmation.text!, 'confirm') });
    expect(confirmed.posted).toBe(303);
    expect(confirmed.body).toContain('You are subscribed');

    expect(await sendDueDigests(pb.ctx, day1)).toEqual({ due: 1, sent: 1, skipped: 0, failed: 0 });
    const [, digest] = await smtp.waitFor(2);
    const head = smtp.raw[1].toString('utf8').split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
    expect(head).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    expect(head).toMatch(/^List-Id: .*<digest\.paperboy\.test>$/im);
    expect(head).toMatch(/^Message-ID: <digest\.\d{4}-\d\d-\d\d\.[\w-]+@paperboy\.test>$/m); // no subscriber id: it would tell how many there are
    expect(digest.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(digest.html).toContain('Unsubscribe');

    // Every paper that mentions the keyword comes before every paper that does not.
    const items = pb.ctx.db.prepare(`SELECT p.title, p.abstract FROM digest_items i JOIN papers p ON p.id = i.paper_id ORDER BY position`).all() as { title: string; abstract: string }[];
    expect(items).toHaveLength(10);
    const hits = items.map((p) => /counterfactual/i.test(p.title + p.abstract));
    expect(hits.indexOf(false) === -1 || hits.lastIndexOf(true) < hits.indexOf(false)).toBe(true);
    expect(hits[0]).toBe(true);
    // The mail shows them in that order, titles escaped and readable (numbered: one title may hold another).
    const positions = items.map((p, i) => digest.text!.indexOf(`${i + 1}. ${p.title}`));
    expect(positions.every((p, i) => p > 0 && (i === 0 || p > positions[i - 1]))).toBe(true);

    expect(await sendDueDigests(pb.ctx, day1)).toEqual({ due: 0, sent: 0, skipped: 0, failed: 0 });

    const unsubscribeUrl = /^List-Unsubscribe: <([^>]+)>$/m.exec(head)![1];
    expect(digest.text).toContain(unsubscribeUrl);
    expect(unsubscribeUrl).toMatch(/^http:\/\/paperboy\.test\/unsubscribe\//);
    const path = new URL(unsubscribeUrl).pathname;
    const shown = await pb.app.inject({ method: 'GET', url: path });
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('<form method="post"');
    const oneClick = { method: 'POST' as const, url: path, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    const off = await pb.app.inject(oneClick);
    expect(off.statusCode).toBe(200);
    expect(off.headers.location).toBeUndefined();
    expect((await pb.app.inject(oneClick)).statusCode).toBe(200); // repeating is harmless

    expect(await sendDueDigests(pb.ctx, day2)).toEqual({ due: 0, sent: 0, skipped: 0, failed: 0 });
    expect(smtp.messages).toHaveLength(2);
  });
});
