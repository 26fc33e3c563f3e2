// SEND_THREADS: digests ranked and rendered on threads must be the digests the send loop makes on its own thread,
// each sent once, none lost, and the threads write nothing (library vectors they count are kept by the loop).
import { afterEach, describe, expect, it } from 'vitest';
import { deliver } from '../../src/mail/sender.js';
import type { LibraryEntry } from '../../src/model.js';
import { replaceLibrary } from '../../src/store/library.js';
import { upsertPapers } from '../../src/store/papers.js';
import { startPaperboy, type TestPaperboy } from '../helpers/app.js';
import { ingestListingFile } from '../helpers/papers.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { addSubscribers } from '../helpers/subscribers.js';

const DAY = new Date('2026-11-29T09:00:00Z');
const KEYWORDS = [['diffusion'], ['video generation'], ['reasoning', 'agents'], ['benchmark'], ['robot manipulation'], ['speech recognition']];
const opened: { pb: TestPaperboy; smtp: TestSmtp }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.pb.close();
    await o.smtp.close();
  }
});

/** A Paperboy with `threads` digest threads, the sample papers and 90 subscribers of six interests, a third with a
 *  library whose entries have no vectors counted yet. */
async function setUp(threads: number) {
  const smtp = await startSmtp();
  const pb = await startPaperboy({ SMTP_URL: smtp.url, SEND_THREADS: String(threads), SMTP_MAX_CONNECTIONS: '3' });
  opened.push({ pb, smtp });
  ingestListingFile(pb.ctx.db, 'test/fixtures/hf-papers-page.txt', new Date(DAY.getTime() - 3_600_000));
  const ids = KEYWORDS.flatMap((k, i) => addSubscribers(pb.ctx.db, 15, { keywords: k, prefix: `k${i}-` }));
  for (const id of ids.filter((_, i) => i % 3 === 0)) {
    replaceLibrary(pb.ctx.db, id, [
      entry(1, 'Video diffusion models for long-horizon generation', 'We study temporal consistency in video diffusion.'),
      entry(2, 'Language agents that plan', 'Reasoning and tool use for language model agents.'),
    ], DAY);
  }
  return { pb, smtp };
}

/** A library entry matching no stored paper: a text example of its title and abstract. */
function entry(n: number, title: string, abstract: string): LibraryEntry {
  return { where: `line ${n}`, title, abstract, authors: ['A. Author'], arxivId: null, doi: null, titleKeys: [], added: '2026-11-01' };
}

/** Recipient → [subject, paper ids in order] of every digest row sent. */
function sentDigests(pb: TestPaperboy): Map<string, string> {
  const rows = pb.ctx.db.prepare(`
    SELECT s.email, d.subject, (SELECT group_concat(paper_id, ' ') FROM (SELECT paper_id FROM digest_items WHERE digest_id = d.id ORDER BY position)) AS papers
    FROM digests d JOIN subscribers s ON s.id = d.subscriber_id WHERE d.state = 'sent'`).all() as { email: string; subject: string; papers: string }[];
  return new Map(rows.map((r) => [r.email, `${r.subject} | ${r.papers}`]));
}

describe('digest threads (SEND_THREADS)', () => {
  it('send every due digest once, the same digests the send loop makes alone, and write nothing themselves', async () => {
    const alone = await setUp(0);
    const threaded = await setUp(2);
    const a = await deliver(alone.pb.ctx, DAY);
    // 90 subscribers are fewer than a run starts threads for (THREADS_FROM): asked for anyway.
    const t = await deliver(threaded.pb.ctx, DAY, { threadsFrom: 0 });
    expect(t).toEqual(a);
    expect(t.sent).toBeGreaterThan(60);
    expect(t.due).toBe(90);
    await threaded.smtp.waitFor(t.sent);

    // Each recipient got one mail, carrying the Message-ID its digest row recorded.
    const received = threaded.smtp.messages.map((m) => ({ to: m.to && 'text' in m.to ? m.to.text : '', id: m.messageId }));
    expect(new Set(received.map((r) => r.to)).size).toBe(received.length);
    const recorded = new Map((threaded.pb.ctx.db.prepare("SELECT s.email, d.message_id FROM digests d JOIN subscribers s ON s.id = d.subscriber_id WHERE d.state = 'sent'")
      .all() as { email: string; message_id: string }[]).map((r) => [r.email, r.message_id]));
    for (const r of received) expect(`<${r.id?.replace(/^<|>$/g, '')}>`).toBe(recorded.get(r.to));

    // The same subjects and papers, in the same order, as the send loop chose on its own thread.
    expect(sentDigests(threaded.pb)).toEqual(sentDigests(alone.pb));
    // The library vectors counted on a thread were stored by the send loop (the threads' connections are read-only).
    expect(threaded.pb.ctx.db.prepare('SELECT count(*) FROM library_entries WHERE terms IS NULL').pluck().get()).toBe(0);
    expect(threaded.pb.ctx.db.prepare('SELECT count(*) FROM library_entries').pluck().get()).toBe(60);

    // A second run the same day sends nothing.
    expect(await deliver(threaded.pb.ctx, new Date(DAY.getTime() + 60_000), { threadsFrom: 0 })).toEqual({ due: 0, sent: 0, skipped: 0, failed: 0, retrying: 0 });
    expect(threaded.smtp.raw).toHaveLength(t.sent);

    // The threads outlive the run with the week's model; a paper stored since is read by the next run's digests.
    upsertPapers(threaded.pb.ctx.db, [{
      id: '2611.00042', title: 'Zebrafish morphogenesis: zebrafish fin regeneration imaged live', abstract: 'Live imaging of zebrafish morphogenesis.',
      authors: ['A. Author'], categories: [], published: null, url: null,
    }], new Date(DAY.getTime() + 120_000));
    const [late] = addSubscribers(threaded.pb.ctx.db, 1, { keywords: ['zebrafish morphogenesis'], prefix: 'late-' });
    threaded.pb.ctx.db.prepare("UPDATE subscribers SET weak_day = 'note' WHERE id = ?").run(late);
    expect(await deliver(threaded.pb.ctx, new Date(DAY.getTime() + 180_000), { threadsFrom: 0 })).toMatchObject({ due: 1, sent: 1 });
    expect(sentDigests(threaded.pb).get('late-0@example.org')).toMatch(/ \| 2611\.00042\b/);
  }, 60_000);
});
