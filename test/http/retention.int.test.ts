// A digest's view and vote links after the daily prune: kept digests open, pruned ones say how long digests are kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneHistory } from '../../src/jobs/retention.js';
import { recordOutcome } from '../../src/mail/record-outcome.js';
import { claimDigest } from '../../src/store/digests.js';
import { startPaperboy, type TestPaperboy } from '../helpers/app.js';
import { ranked, samplePapers } from '../helpers/digest.js';
import { upsertPapers } from '../../src/store/papers.js';
import { activeSubscriber, pathOf } from '../helpers/http-fixtures.js';

const NOW = new Date('2026-11-29T09:00:00Z');
const LEASE = { owner: 'test:1:links', ms: 300_000 };

describe('digest links and retention', () => {
  let pb: TestPaperboy;
  beforeAll(async () => { pb = await startPaperboy({ RETENTION_DAYS: '14' }); });
  afterAll(() => pb.close());

  it('a pruned digest\'s view and vote links say digests are kept RETENTION_DAYS days; a kept one still opens', async () => {
    const papers = samplePapers();
    upsertPapers(pb.ctx.db, papers, new Date(NOW.getTime() - 30 * 86_400_000));
    const sub = activeSubscriber(pb, 'reader@example.org');
    const sent = (days: number, items: typeof papers) => {
      const at = new Date(NOW.getTime() - days * 86_400_000);
      const date = at.toISOString().slice(0, 10);
      const id = claimDigest(pb.ctx.db, { subscriberId: sub.id, date, messageId: `<${days}@t>`, subject: 's', items: ranked(items) }, at, LEASE)!;
      recordOutcome(pb.ctx.db, { id, subscriberId: sub.id, owner: LEASE.owner, attempt: 1, outcome: { kind: 'sent', code: 250, text: '250 ok', bounce: false }, next: { state: 'sent' } }, { hard: 1, soft: 3 }, at);
      return { date, paper: items[0].id };
    };
    const old = sent(20, papers.slice(0, 3));
    const recent = sent(3, papers.slice(3, 6));
    await pruneHistory(pb.ctx.db, { days: pb.ctx.config.RETENTION_DAYS, now: NOW });

    const view = await pb.app.inject(pathOf(pb.ctx.links.digest(sub, old.date)));
    expect(view.statusCode).toBe(404);
    expect(view.body).toContain('A digest, and the links in it, are kept for 14 days.');
    const vote = await pb.app.inject(pathOf(pb.ctx.links.feedback(sub, old.date, old.paper, 'up')));
    expect(vote.statusCode).toBe(404);
    expect(vote.body).toContain('kept for 14 days');

    expect((await pb.app.inject(pathOf(pb.ctx.links.digest(sub, recent.date)))).statusCode).toBe(200);
    expect((await pb.app.inject(pathOf(pb.ctx.links.feedback(sub, recent.date, recent.paper, 'up')))).statusCode).toBe(200);
  });
});
