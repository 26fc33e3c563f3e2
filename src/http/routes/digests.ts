import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Context } from '../../context.js';
import { composeDigest } from '../../digest/compose.js';
import { sentDigest } from '../../store/digest-view.js';
import { sendPage, type PageRenderer } from '../pages.js';
import { resolveToken } from '../resolve.js';
import { digestParams } from '../schemas.js';
import { DIGEST_CSP } from '../security.js';
import { INVALID_LINK } from './links.js';

/** GET /digests/<id>/<token>: a sent digest in the browser, rendered again from what was recorded. */
export const digestRoutes = (ctx: Context, page: PageRenderer): FastifyPluginAsyncZod => async (app) => {
  app.get('/digests/:id/:token', { schema: { params: digestParams, tags: ['links'] } }, async (req, reply) => {
    const sub = resolveToken(ctx, 'manage', req.params.token);
    if (!sub) return sendPage(reply, page, 'message', INVALID_LINK, 404);
    const digest = sentDigest(ctx.db, req.params.id, sub.id);
    if (!digest) {
      return sendPage(reply, page, 'message', {
        title: 'Digest not found', heading: 'This digest is not here',
        message: 'It was never sent to this address, or it was deleted.', link: { href: `/preferences/${req.params.token}`, label: 'Your preferences' },
      }, 404);
    }
    const links = {
      unsubscribe: ctx.links.unsubscribe(sub), preferences: ctx.links.preferences(sub), view: ctx.links.digest(sub, digest.id),
      feedback: (paperId: string, vote: 'up' | 'down') => ctx.links.feedback(sub, paperId, vote),
    };
    // Carries the inputs of both compose signatures (main's unsubscribeUrl, the delivery branch's links)
    // so this builds before and after that branch lands; then mail/sender's renderDigest replaces it.
    const model = composeDigest({
      email: sub.email, date: digest.date, ranked: digest.ranked, siteUrl: ctx.config.PUBLIC_URL,
      unsubscribeUrl: links.unsubscribe, links, interests: [...sub.profile.keywords, ...sub.profile.categories, ...sub.profile.authors],
    } as Parameters<typeof composeDigest>[0]);
    // The mail's HTML as it was sent, under a policy that allows its inline styles and nothing else.
    return reply.type('text/html; charset=utf-8').header('content-security-policy', DIGEST_CSP).send(ctx.templates.digest(model).html);
  });
};
