import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendDueDigests } from '../../src/mail/sender.js';
import { startWithSmtp, type TestPaperboy } from '../helpers/app.js';
import type { TestSmtp } from '../helpers/smtp.js';

// The sender honours the schedule set on /preferences: weekly on a chosen day, and pauses.
describe('weekly and paused subscribers', () => {
  let pb: TestPaperboy;
  let smtp: TestSmtp;
  let close: () => Promise<void>;
  const add = (email: string, frequency: string, weekday: number, pausedUntil: string | null) =>
    pb.ctx.db.prepare(`INSERT INTO subscribers (email, status, timezone, hour, frequency, weekday, paused_until, created_at)
      VALUES (?, 'active', 'UTC', 6, ?, ?, ?, '2026-01-01')`).run(email, frequency, weekday, pausedUntil);

  beforeAll(async () => {
    ({ pb, smtp, close } = await startWithSmtp({ papers: true }));
    add('weekly-thursday@example.org', 'weekly', 4, null);
    add('paused@example.org', 'daily', 0, '2099-01-01');
    add('daily@example.org', 'daily', 0, null);
  });
  afterAll(() => close());

  it('sends only to the daily subscriber on a day that is neither the weekly day nor past the pause', async () => {
    const now = new Date();
    now.setUTCHours(7);
    const weekday = now.getUTCDay();
    pb.ctx.db.prepare("UPDATE subscribers SET weekday = ? WHERE email = 'weekly-thursday@example.org'").run((weekday + 1) % 7);
    expect(await sendDueDigests(pb.ctx, now)).toMatchObject({ due: 1, sent: 1 });
    await smtp.waitFor(1);
    expect(smtp.messages.map((m) => (m.to && 'text' in m.to ? m.to.text : ''))).toEqual(['daily@example.org']);

    pb.ctx.db.prepare("UPDATE subscribers SET weekday = ? WHERE email = 'weekly-thursday@example.org'").run(weekday);
    pb.ctx.db.prepare("UPDATE subscribers SET paused_until = '2000-01-01' WHERE email = 'paused@example.org'").run();
    expect(await sendDueDigests(pb.ctx, now)).toMatchObject({ due: 2, sent: 2 });
  });
});
