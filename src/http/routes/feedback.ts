import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ContextPart } from '../../context.js';
import type { Paper } from '../../model.js';
import { getPaper } from '../../store/archive.js';
import { inDigest } from '../../store/digest-view.js';
import { recordVote, undoVote, voteOn } from '../../store/votes.js';
import { seeOther, sendPage, type PageRenderer } from '../page-renderer.js';
import { resolveDigest, type DigestAccess } from '../resolve.js';
import { doneQuery, emptyBody, feedbackParams, undoParams } from '../schemas.js';
import { INVALID_LINK, invalidDigestLink } from '../token-guard.js';

const NOT_IN_DIGEST = {
  title: 'Not in this digest', heading: 'This paper was not in that digest',
  message: 'A vote link works for the papers of the digest it came in; open the link from that mail.',
};

/** The digest and paper a feedback link names, or the page to answer instead. */
function lookUp(ctx: FeedbackRouteDeps['ctx'], token: string, paperId: string): { access: DigestAccess; paper: Paper } | { status: number; model: typeof INVALID_LINK } {
  const access = resolveDigest(ctx, token);
  if (!access) return { status: 404, model: invalidDigestLink(ctx.config.RETENTION_DAYS) };
  const paper = getPaper(ctx.db, paperId);
  if (!paper || !inDigest(ctx.db, access.digestId, paper.id)) return { status: 404, model: { ...NOT_IN_DIGEST, link: { href: '/', label: 'Go to the home page' } } };
  return { access, paper };
}

/** What the vote links need: the store, the link secret, how long digests are kept, the page renderer. */
export interface FeedbackRouteDeps {
  ctx: ContextPart<'db' | 'secret', 'RETENTION_DAYS'>;
  page: PageRenderer;
}

/**
 * The 👍 / 👎 links in digests. Their token names one digest and votes on its papers only. A GET or HEAD
 * shows the vote as it stands, with one button, and changes nothing (link scanners open every link of a
 * mail); the button POSTs the vote, and a further POST undoes it. Each POST redirects back to the page.
 */
export const feedbackRoutes = ({ ctx, page }: FeedbackRouteDeps): FastifyPluginAsyncZod => async (app) => {
  app.get('/feedback/:token/:paper/:vote', { schema: { params: feedbackParams, querystring: doneQuery, tags: ['links'] } }, async (req, reply) => {
    const { token, paper: paperId, vote } = req.params;
    const found = lookUp(ctx, token, paperId);
    if ('status' in found) return sendPage(reply, page, 'message', found.model, found.status);
    const base = `/feedback/${token}/${encodeURIComponent(found.paper.id)}`;
    const noted = voteOn(ctx.db, found.access.sub.id, found.paper.id) === (vote === 'up' ? 1 : -1);
    return sendPage(reply, page, 'vote', {
      title: noted ? 'Thanks for the feedback' : vote === 'up' ? 'More like this?' : 'Fewer like this?', up: vote === 'up', noted,
      undone: req.query.done === 'undone', paperTitle: found.paper.title,
      action: `${base}/${vote}`, undo: `${base}/undo`, other: `${base}/${vote === 'up' ? 'down' : 'up'}`,
    });
  });

  app.post('/feedback/:token/:paper/:vote', {
    schema: { params: feedbackParams, body: emptyBody, summary: 'Record a 👍 or 👎 (the button of the vote page)', tags: ['links'] },
    // Votes were GETs, never limited: a reader going through a 20-paper digest, or an office behind one NAT address,
    // must not hit the per-IP limit. A vote needs a digest's 256-bit token and only ever sets one row per paper.
    config: { rateLimit: false },
  }, async (req, reply) => {
    const { token, paper: paperId, vote } = req.params;
    const found = lookUp(ctx, token, paperId);
    if ('status' in found) return sendPage(reply, page, 'message', found.model, found.status);
    recordVote(ctx.db, found.access.sub.id, found.paper.id, vote === 'up' ? 1 : -1);
    return seeOther(reply, `/feedback/${token}/${encodeURIComponent(found.paper.id)}/${vote}`);
  });

  app.post('/feedback/:token/:paper/undo', {
    schema: { params: undoParams, body: emptyBody, summary: 'Undo a vote', tags: ['links'] },
    config: { rateLimit: false },
  }, async (req, reply) => {
    const { token, paper: paperId } = req.params;
    const found = lookUp(ctx, token, paperId);
    if ('status' in found) return sendPage(reply, page, 'message', found.model, found.status);
    const was = voteOn(ctx.db, found.access.sub.id, found.paper.id);
    undoVote(ctx.db, found.access.sub.id, found.paper.id);
    return seeOther(reply, `/feedback/${token}/${encodeURIComponent(found.paper.id)}/${was === -1 ? 'down' : 'up'}?done=undone`);
  });
};
