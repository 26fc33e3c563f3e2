import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendDueDigests } from '../../src/mail/sender.js';
import { upsertPapers } from '../../src/store/papers.js';
import { linkPath, startWithSmtp, type TestPaperboy } from '../helpers/app.js';
import type { TestSmtp } from '../helpers/smtp.js';

// A weak day (too few good papers) sends nothing, or a short note: the subscriber's choice on /preferences.
describe('quiet days', () => {
  let pb: TestPaperboy;
  let smtp: TestSmtp;
  let close: () => Promise<void>;
  const now = new Date();
  now.setUTCHours(7, 30);
  const add = (email: string, weakDay: 'skip' | 'note') =>
    pb.ctx.db.prepare(`INSERT INTO subscribers (email, status, keywords, timezone, hour, weak_day, created_at)
      VALUES (?, 'active', '["tokamak plasma"]', 'UTC', 6, ?, '2026-01-01')`).run(email, weakDay);
  const to = (email: string) => smtp.messages.filter((m) => JSON.stringify(m.to).includes(email));
  const stateOf = (email: string) => pb.ctx.db.prepare(
    'SELECT d.state, d.skip_reason AS reason FROM digests d JOIN subscribers s ON s.id = d.subscriber_id WHERE s.email = ?').get(email);

  beforeEach(async () => {
    ({ pb, smtp, close } = await startWithSmtp());
    add('skips@example.org', 'skip');
    add('notes@example.org', 'note');
  });
  afterEach(() => close());

  it('with no new paper at all, mails a note saying none arrived (not blaming the interests) and skips the others', async () => {
    expect(await sendDueDigests(pb.ctx, now)).toMatchObject({ due: 2, sent: 1, skipped: 1 });
    const [note] = await smtp.waitFor(1);
    expect(to('skips@example.org')).toHaveLength(0);
    expect(stateOf('skips@example.org')).toEqual({ state: 'skipped', reason: 'empty' });
    expect(stateOf('notes@example.org')).toEqual({ state: 'sent', reason: null });
    expect(note.subject).toBe('A quiet day: no new papers arrived');
    expect(note.text).toMatch(/^A quiet day: no new papers arrived\n/); // the heading says what the subject says
    expect(note.text).toContain('No new papers arrived since your last digest');
    expect(note.text).toContain('This is not about your interests');
    expect(note.text).not.toContain('matched');
    expect(note.html).toContain('the paper feeds were quiet or could not be reached');
    expect(note.headers.get('list')).toMatchObject({ unsubscribe: expect.anything() });
    // Its view-in-browser link shows the same note.
    const view = await pb.app.inject(linkPath(note.text!, 'digests'));
    expect(view.statusCode).toBe(200);
    expect(view.body).toContain('the paper feeds were quiet or could not be reached');
  });

  it('when new papers arrived but none is about the interests, says that nothing matched', async () => {
    // The week did hold a paper on the interests, sent yesterday; today's new paper is off the topic.
    const db = pb.ctx.db;
    upsertPapers(db, [{ id: '2611.01111', title: 'Tokamak plasma disruption prediction', abstract: 'We predict tokamak plasma disruptions.', authors: ['C. Author'], categories: ['physics.plasm-ph'], published: null, url: null }], new Date(now.getTime() - 2 * 86_400_000));
    const yesterday = new Date(now.getTime() - 86_400_000).toISOString();
    for (const id of db.prepare('SELECT id FROM subscribers').pluck().all() as number[]) {
      const digest = db.prepare(`INSERT INTO digests (subscriber_id, digest_date, state, created_at, sent_at) VALUES (?, ?, 'sent', ?, ?)`)
        .run(id, yesterday.slice(0, 10), yesterday, yesterday).lastInsertRowid;
      db.prepare(`INSERT INTO digest_items (digest_id, subscriber_id, paper_id, position, score) VALUES (?, ?, '2611.01111', 0, 1)`).run(digest, id);
    }
    const seen = new Date(now.getTime() - 3_600_000);
    upsertPapers(db, [{ id: '2611.04321', title: 'Sparse attention kernels for long-context language models', abstract: 'We make attention faster.', authors: ['B. Author'], categories: ['cs.CL'], published: null, url: null }], seen);
    expect(await sendDueDigests(pb.ctx, now)).toMatchObject({ due: 2, sent: 1, skipped: 1 });
    const [note] = await smtp.waitFor(1);
    expect(note.subject).toBe('A quiet day: no new paper matched your interests');
    expect(note.text).toMatch(/^A quiet day: no new paper matched your interests\n/);
    expect(note.text).toContain('No new paper matched your interests today');
    expect(note.text).toContain('this is a short note rather than a full digest');
    expect(note.text).not.toContain('No new papers arrived');
  });

  it('with one good paper, mails it as a quiet-day note, and never pads with noise', async () => {
    const seen = new Date(now.getTime() - 3_600_000);
    upsertPapers(pb.ctx.db, [{ id: '2611.01234', title: 'Tokamak plasma control with reinforcement learning', abstract: 'We control tokamak plasma.', authors: ['A. Author'], categories: ['physics.plasm-ph'], published: null, url: null }], seen);
    expect(await sendDueDigests(pb.ctx, now)).toMatchObject({ due: 2, sent: 1, skipped: 1 });
    const [note] = await smtp.waitFor(1);
    expect(to('notes@example.org')).toHaveLength(1);
    expect(note.subject).toBe('A quiet day: Tokamak plasma control with reinforcement learning');
    expect(note.text).toMatch(/^A quiet day: 1 paper for you\n/);
    expect(note.text).toContain('Only 1 paper matched your interests today, so this is a short note rather than a full digest.');
    expect(note.text).toContain('1. Tokamak plasma control with reinforcement learning');
  });
});
