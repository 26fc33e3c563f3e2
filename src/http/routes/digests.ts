import Handlebars from 'handlebars';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ContextPart } from '../../context.js';
import type { DigestDeps } from '../../digest/build.js';

import { dayLabel } from '../../digest/due.js';
import { renderDigest } from '../../digest/build.js';
import { sentDigest } from '../../store/digest-view.js';
import { sendPage, type PageRenderer } from '../page-renderer.js';
import { resolveDigest } from '../resolve.js';
import { tokenParams } from '../schemas.js';
import { invalidDigestLink } from '../token-guard.js';
import { onlySampleStored } from '../../store/papers.js';
import { SAMPLE_NOTE } from '../views.js';

/** A rendered mail's content for a page: what follows its <head>. It is our own template's output, every paper
 *  string escaped when it was filled, so the page inserts it as it is. */
export function mailView(html: string): { mail: Handlebars.SafeString } {
  const start = html.indexOf('</head>');
  const end = html.lastIndexOf('</html>');
  return { mail: new Handlebars.SafeString(html.slice(start < 0 ? 0 : start + 7, end < 0 ? undefined : end)) };
}

/** What the digest view needs: what a digest is built from, how long digests are kept, the page renderer. */
export interface DigestRouteDeps {
  ctx: DigestDeps & ContextPart<'secret', 'RETENTION_DAYS'>;
  page: PageRenderer;
}

/** GET /digests/<digest token>: a sent digest in the browser, rendered again from what was recorded, in the site's frame. */
export const digestRoutes = ({ ctx, page }: DigestRouteDeps): FastifyPluginAsyncZod => async (app) => {
  app.get('/digests/:token', { schema: { params: tokenParams, tags: ['links'] } }, async (req, reply) => {
    const access = resolveDigest(ctx, req.params.token);
    const digest = access && sentDigest(ctx.db, access.digestId, access.sub.id);
    if (!access || !digest) return sendPage(reply, page, 'message', invalidDigestLink(ctx.config.RETENTION_DAYS), 404);
    // The mail's HTML as it was sent, under a policy that allows its inline styles and nothing else of its own (security.ts).
    const { body } = renderDigest(ctx, access.sub, digest.date, digest.ranked, 'browser');
    return sendPage(reply, page, 'mail-view', {
      title: `Your digest of ${dayLabel(digest.date)}`, heading: `Your digest of ${dayLabel(digest.date)}`, sample: onlySampleStored(ctx.db) ? SAMPLE_NOTE : '',
      back: { href: '/', label: `${ctx.config.INSTANCE_NAME} home` }, ...mailView(body.html),
    });
  });
};
