import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Context } from '../../context.js';
import { renderDigest } from '../../mail/sender.js';
import { sentDigest } from '../../store/digest-view.js';
import { sendPage, type PageRenderer } from '../pages.js';
import { resolveDigest } from '../resolve.js';
import { tokenParams } from '../schemas.js';
import { INVALID_LINK } from './links.js';

/** GET /digests/<digest token>: a sent digest in the browser, rendered again from what was recorded. */
export const digestRoutes = (ctx: Context, page: PageRenderer): FastifyPluginAsyncZod => async (app) => {
  app.get('/digests/:token', { schema: { params: tokenParams, tags: ['links'] } }, async (req, reply) => {
    const access = resolveDigest(ctx, req.params.token);
    const digest = access && sentDigest(ctx.db, access.digestId, access.sub.id);
    if (!access || !digest) return sendPage(reply, page, 'message', INVALID_LINK, 404);
    // The mail's HTML as it was sent, under a policy that allows its inline styles and nothing else (security.ts).
    const { body } = renderDigest(ctx, access.sub, digest.date, digest.ranked, 'browser');
    return reply.type('text/html; charset=utf-8').send(body.html);
  });
};
