import Handlebars from 'handlebars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestListingFile } from '../helpers/papers.js';
import { buildApp } from '../../src/http/app.js';
import { renderDigest } from '../../src/digest/build.js';
import { sendDueDigests } from '../../src/mail/sender.js';
import { sentDigest } from '../../src/store/digest-view.js';
import { votesOf } from '../../src/store/votes.js';
import { startPaperboy, submit, type TestPaperboy } from '../helpers/app.js';
import { activeSubscriber, FORM, pathOf } from '../helpers/http-fixtures.js';

// Feedback links and the digest in the browser (the archive: archive.test.ts).
describe('feedback and the digest view', () => {
  let pb: TestPaperboy;
  const votes = (id: number) => pb.ctx.db.prepare('SELECT paper_id AS paper, vote FROM votes WHERE subscriber_id = ?').all(id);
  const digestPaper = (digestId: number) => pb.ctx.db.prepare('SELECT paper_id FROM digest_items WHERE digest_id = ? ORDER BY position LIMIT 1').pluck().get(digestId) as string;
  /** The first paper of the subscriber's digest and its day (one is sent if they have none). */
  const sentPaper = async (subscriberId: number) => {
    const first = () => pb.ctx.db.prepare(`
      SELECT p.id, p.title, d.digest_date AS date FROM digest_items i JOIN papers p ON p.id = i.paper_id JOIN digests d ON d.id = i.digest_id
      WHERE i.subscriber_id = ? ORDER BY i.digest_id, i.position LIMIT 1`)
      .get(subscriberId) as { id: string; title: string; date: string } | undefined;
    if (!first()) await sendDueDigests(pb.ctx, new Date('2026-11-28T10:00:00Z'));
    return first()!;
  };
  const post = (url: string) => pb.app.inject({ method: 'POST', url, headers: FORM });

  beforeAll(async () => {
    pb = await startPaperboy();
    ingestListingFile(pb.ctx.db, 'test/fixtures/hf-papers-page.txt', new Date('2026-11-28T09:00:00Z'));
  });
  afterAll(() => pb.close());

  it('records a vote only with the button of the page the link opens, harmlessly when repeated, and undoes it', async () => {
    const sub = activeSubscriber(pb, 'voter@example.org');
    const paper = await sentPaper(sub.id);
    const up = pathOf(pb.ctx.links.feedback(sub, paper.date, paper.id, 'up'));
    for (let i = 0; i < 3; i++) {
      const res = await pb.app.inject(up); // link scanners may fetch it more than once
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('More papers like this?');
      expect(res.body).toContain(Handlebars.escapeExpression(paper.title));
      expect(res.body).toContain(`<form method="post" action="${up}">`);
    }
    expect(votes(sub.id)).toEqual([]);
    for (let i = 0; i < 2; i++) {
      const res = await submit(pb.app, { url: up, headers: FORM });
      expect(res.posted).toBe(303); // back to the link's page, which now shows the vote and its Undo
      expect(res.body).toContain('Noted: more like this');
      expect(res.body).toContain(`<form method="post" action="${up.replace(/\/up$/, '')}/undo">`);
    }
    expect(votes(sub.id)).toEqual([{ paper: paper.id, vote: 1 }]);
    expect(votesOf(pb.ctx.db, sub.id, 200)).toEqual([{ paperId: paper.id, vote: 1 }]); // what the ranker reads
    expect((await pb.app.inject(up)).body).toContain('Noted: more like this'); // opening the link again says so
    await post(pathOf(pb.ctx.links.feedback(sub, paper.date, paper.id, 'down')));
    expect(votes(sub.id)).toEqual([{ paper: paper.id, vote: -1 }]);
    expect((await pb.app.inject(up)).body).toContain('More papers like this?'); // the 👍 page offers the vote again
    const undo = await submit(pb.app, { url: `${up.replace(/\/up$/, '')}/undo`, headers: FORM });
    expect(undo.posted).toBe(303);
    expect(undo.body).toContain('Your vote is removed');
    expect(undo.body).toContain('Fewer papers like this?'); // the page of the vote that was undone, with its button
    expect(votes(sub.id)).toEqual([]);
    // Only the papers of the digest the link came in take votes through it.
    const unsent = pb.ctx.db.prepare('SELECT id FROM papers WHERE id NOT IN (SELECT paper_id FROM digest_items WHERE subscriber_id = ?) LIMIT 1').pluck().get(sub.id) as string;
    for (const refused of [await pb.app.inject(pathOf(pb.ctx.links.feedback(sub, paper.date, unsent, 'up'))), await post(pathOf(pb.ctx.links.feedback(sub, paper.date, unsent, 'up')))]) {
      expect(refused.statusCode).toBe(404);
      expect(refused.body).toContain('This paper was not in that digest');
    }
    expect(votes(sub.id)).toEqual([]);
  });

  it("takes a digest's votes one after another from one address without the per-IP limit", async () => {
    const sub = activeSubscriber(pb, 'fast.voter@example.org');
    const paper = await sentPaper(sub.id);
    const tight = await buildApp(pb.ctx, { rateLimit: { max: 2, timeWindowMs: 60_000 } });
    try {
      const ids = pb.ctx.db.prepare('SELECT paper_id FROM digest_items WHERE subscriber_id = ?').pluck().all(sub.id) as string[];
      expect(ids.length).toBeGreaterThan(4);
      for (const id of ids) {
        const url = pathOf(pb.ctx.links.feedback(sub, paper.date, id, 'up'));
        expect((await tight.inject({ method: 'POST', url, headers: FORM, remoteAddress: '198.51.100.9' })).statusCode).toBe(303);
      }
      expect(votes(sub.id)).toHaveLength(ids.length);
    } finally {
      await tight.close();
    }
  });

  it('refuses a forged token, a day with no digest, an unknown paper and a bad vote without recording anything', async () => {
    const sub = activeSubscriber(pb, 'voter2@example.org');
    const paper = await sentPaper(sub.id);
    const up = pathOf(pb.ctx.links.feedback(sub, paper.date, paper.id, 'up'));
    const token = up.split('/')[2];
    const cases: [string, number, string][] = [
      [up.replace(/\/up$/, '/sideways'), 400, 'vote: must be up or down'],
      [up.replace(encodeURIComponent(paper.id), '2499.99999'), 404, 'This paper was not in that digest'],
      // The token with its last MAC character changed, and one for a day that had no digest.
      [up.replace(token, token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')), 404, 'This link is not valid'],
      [pathOf(pb.ctx.links.feedback(sub, '2026-01-01', paper.id, 'up')), 404, 'This link is not valid'],
    ];
    for (const [url, status, text] of cases) {
      for (const res of [await pb.app.inject(url), await post(url)]) {
        expect(res.statusCode, url).toBe(status);
        expect(res.body).toContain(text);
      }
    }
    expect(votes(sub.id)).toEqual([]);
  });

  it('shows a sent digest in the browser, without the links that manage the subscription', async () => {
    const sub = activeSubscriber(pb, 'reader@example.org', { keywords: ['counterfactual', 'glacier acoustics'] });
    await sendDueDigests(pb.ctx, new Date('2026-11-29T10:00:00Z'));
    const digestId = pb.ctx.db.prepare("SELECT id FROM digests WHERE subscriber_id = ? AND state = 'sent'").pluck().get(sub.id) as number;
    const titles = pb.ctx.db.prepare('SELECT p.title FROM digest_items i JOIN papers p ON p.id = i.paper_id WHERE digest_id = ? ORDER BY position').pluck().all(digestId) as string[];
    expect(titles.length).toBeGreaterThan(1);
    const view = pathOf(pb.ctx.links.digest(sub, '2026-11-29'));
    const res = await pb.app.inject(view);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-security-policy']).toContain("script-src 'self';"); // the site's own script, never the mail's
    expect(res.body).toContain('<header class="site-header">'); // in the site's frame, with a way back
    expect(res.body).toContain('<footer class="site-footer">');
    expect(res.body).toMatch(/<p class="back"><a href="\/">/);
    const at = titles.map((t, i) => res.body.indexOf(`${i + 1}. ${Handlebars.escapeExpression(t)}`));
    expect(at.every((p, i) => p > 0 && (i === 0 || p > at[i - 1]))).toBe(true);
    expect(res.body).toContain('Sunday 29 November 2026');
    expect(res.body).toContain(`href="${pb.ctx.links.feedback(sub, '2026-11-29', digestPaper(digestId), 'up')}"`); // the 👍 links work from the browser view too
    // A shared view link hands over neither the preferences nor the unsubscribe link, nor whose digest it is: the
    // address, the interests, why each paper was picked (issue 21).
    expect(res.body).not.toContain('/preferences/');
    expect(res.body).not.toContain('/unsubscribe/');
    expect(res.body).not.toMatch(/reader@|r…@/);
    expect(res.body).not.toContain('glacier acoustics');
    expect(res.body).not.toContain('Why:');
    expect(res.body).toContain('A daily digest of Paperboy at http://paperboy.test.');
    const mailed = renderDigest(pb.ctx, sub, '2026-11-29', sentDigest(pb.ctx.db, digestId, sub.id)!.ranked, 'mail').body.html;
    expect(mailed).toContain('because reader@example.org subscribed'); // the mail itself still says why it came
    expect(mailed).toContain('Why:');
    expect((await pb.app.inject(pathOf(pb.ctx.links.digest(sub, '2026-11-01')))).statusCode).toBe(404);
    expect((await pb.app.inject(view.replace('.20261129.', '.20261128.'))).statusCode).toBe(404);
    expect((await pb.app.inject(`${view}x`)).statusCode).toBe(404);
  });
});
