// A paper the subscriber already has is never in their preview or digest: their seed papers (new to the store too),
// the papers they voted on, the papers sent to them before. Real arXiv papers without categories, as Hugging Face
// papers come; a real SQLite file and a real SMTP server.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPapers } from '../../tools/eval/data.js';
import { buildDigest } from '../../src/digest/build.js';
import { sendDueDigests } from '../../src/mail/sender.js';
import { upsertPapers } from '../../src/store/papers.js';
import { findByEmail } from '../../src/store/subscribers.js';
import { recordVote } from '../../src/store/votes.js';
import { startWithSmtp, type TestPaperboy } from '../helpers/app.js';
import type { TestSmtp } from '../helpers/smtp.js';

const june = loadPapers('arxiv-2026-06.jsonl.gz').filter((p) => p.published! >= '2026-06-22' && p.published! <= '2026-06-26');
const seeds = june.filter((p) => p.categories.includes('cs.CL')).slice(0, 5).map((p) => p.id);

describe('never a paper the subscriber already has', () => {
  let pb: TestPaperboy;
  let smtp: TestSmtp;
  let close: () => Promise<void>;
  const now = new Date('2026-06-27T07:30:00Z');
  const itemsOf = (id: number) => pb.ctx.db.prepare('SELECT paper_id FROM digest_items WHERE subscriber_id = ? ORDER BY rowid').pluck().all(id) as string[];

  beforeEach(async () => {
    ({ pb, smtp, close } = await startWithSmtp());
    // The week's papers, first seen a day before `now`, with no categories.
    upsertPapers(pb.ctx.db, june.map((p) => ({ ...p, categories: [], url: `https://arxiv.org/abs/${p.id}` })), new Date(now.getTime() - 86_400_000));
    pb.ctx.db.prepare(`INSERT INTO subscribers (email, status, papers, timezone, hour, created_at, confirmed_at)
      VALUES ('reader@example.org', 'active', ?, 'UTC', 6, '2026-06-01', '2026-06-01')`).run(JSON.stringify(seeds));
  });
  afterEach(() => close());

  it('previews a full digest of other papers, not the seed papers that match best', () => {
    const sub = findByEmail(pb.ctx.db, 'reader@example.org')!;
    const built = buildDigest(pb.ctx, sub, '2026-06-27', now);
    const ids = built.ranked.map((r) => r.paper.id);
    expect(ids).toHaveLength(10);
    expect(ids.filter((id) => seeds.includes(id))).toEqual([]);
  });

  it('sends neither the seeds, nor a voted paper, nor a paper sent the day before', async () => {
    const sub = findByEmail(pb.ctx.db, 'reader@example.org')!;
    expect(await sendDueDigests(pb.ctx, now)).toMatchObject({ sent: 1 });
    const first = itemsOf(sub.id);
    expect(first).toHaveLength(10);
    expect(first.filter((id) => seeds.includes(id))).toEqual([]);
    expect(recordVote(pb.ctx.db, sub.id, first[0], 1)).toBe('recorded');
    expect(recordVote(pb.ctx.db, sub.id, first[1], -1)).toBe('recorded');
    await smtp.waitFor(1);

    const next = new Date(now.getTime() + 86_400_000);
    expect(await sendDueDigests(pb.ctx, next)).toMatchObject({ sent: 1 });
    const second = itemsOf(sub.id).slice(first.length);
    expect(second).toHaveLength(10);
    expect(second.filter((id) => seeds.includes(id) || first.includes(id))).toEqual([]);
    // And the preview of the day after leaves out both days' papers.
    const preview = buildDigest(pb.ctx, findByEmail(pb.ctx.db, 'reader@example.org')!, '2026-06-29', new Date(next.getTime() + 86_400_000));
    expect(preview.ranked.map((r) => r.paper.id).filter((id) => seeds.includes(id) || first.includes(id) || second.includes(id))).toEqual([]);
  });
});
