import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Context } from '../../context.js';
import { renderDigest } from '../../mail/sender.js';
import { sentDigest } from '../../store/digest-view.js';
import { sendPage, type PageRenderer } from '../pages.js';
import { resolveToken } from '../resolve.js';
import { digestParams } from '../schemas.js';
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
    // The mail's HTML as it was sent, under a policy that allows its inline styles and nothing else (security.ts).
    const { body } = renderDigest(ctx, sub, digest.date, digest.ranked, digest.id);
    return reply.type('text/html; charset=utf-8').send(body.html);
  });
};
