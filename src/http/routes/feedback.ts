import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Context } from '../../context.js';
import { getPaper } from '../../store/archive.js';
import { recordVote, undoVote } from '../../store/votes.js';
import { sendPage, type PageRenderer } from '../pages.js';
import { resolveToken } from '../resolve.js';
import { emptyBody, feedbackParams, undoParams } from '../schemas.js';
import { INVALID_LINK } from './links.js';

const NOT_SENT = { title: 'Not in your digests', heading: 'This paper was not in your digests', message: 'Votes count for papers Paperboy sent you; open the link from the digest it came in.' };
const NO_PAPER = { title: 'Paper not found', heading: 'This paper is not in Paperboy', message: 'The link may be cut short; open it again from your mail.' };

/** The 👍 / 👎 links in digests: a GET records the vote (harmless to repeat, so link scanners do no harm), a POST undoes it. */
export const feedbackRoutes = (ctx: Context, page: PageRenderer): FastifyPluginAsyncZod => async (app) => {
  app.get('/feedback/:token/:paper/:vote', { schema: { params: feedbackParams, tags: ['links'] } }, async (req, reply) => {
    const { token, paper: paperId, vote } = req.params;
    const sub = resolveToken(ctx, 'manage', token);
    if (!sub) return sendPage(reply, page, 'message', INVALID_LINK, 404);
    const paper = getPaper(ctx.db, paperId);
    if (!paper) return sendPage(reply, page, 'message', NO_PAPER, 404);
    if (recordVote(ctx.db, sub.id, paper.id, vote === 'up' ? 1 : -1) === 'not-sent') {
      return sendPage(reply, page, 'message', { ...NOT_SENT, link: { href: `/preferences/${token}`, label: 'Your preferences' } }, 404);
    }
    const base = `/feedback/${token}/${encodeURIComponent(paper.id)}`;
    return sendPage(reply, page, 'feedback', {
      title: 'Thanks for the feedback', up: vote === 'up', paperTitle: paper.title, undo: `${base}/undo`,
      other: `${base}/${vote === 'up' ? 'down' : 'up'}`, preferencesUrl: `/preferences/${token}`,
    });
  });

  app.post('/feedback/:token/:paper/undo', {
    schema: { params: undoParams, body: emptyBody, summary: 'Undo a vote', tags: ['links'] },
  }, async (req, reply) => {
    const { token, paper: paperId } = req.params;
    const sub = resolveToken(ctx, 'manage', token);
    if (!sub) return sendPage(reply, page, 'message', INVALID_LINK, 404);
    const paper = getPaper(ctx.db, paperId);
    if (!paper) return sendPage(reply, page, 'message', NO_PAPER, 404);
    undoVote(ctx.db, sub.id, paper.id);
    const base = `/feedback/${token}/${encodeURIComponent(paper.id)}`;
    return sendPage(reply, page, 'feedback-undone', { title: 'Vote removed', paperTitle: paper.title, up: `${base}/up`, down: `${base}/down` });
  });
};
