import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Context } from '../../context.js';
import { emailHash, liftSuppression } from '../../store/address-guard.js';
import { confirmSubscriber, unsubscribe } from '../../store/subscribers.js';
import { BODY_LIMIT } from '../limits.js';
import { acceptMultipartFields } from '../multipart.js';
import { sendPage, type PageRenderer } from '../pages.js';
import { resolveToken } from '../resolve.js';
import { oneClickOrSameOrigin } from '../security.js';
import { tokenParams, unsubscribeBody } from '../schemas.js';
import { scheduleLabel } from '../views.js';

const CONFIRM_DAYS = 7;

/** The page shown for a token that resolves to nobody: forged, truncated, replaced or erased. */
export const INVALID_LINK = {
  title: 'Link not valid', heading: 'This link is not valid',
  message: 'Check that the whole link was copied. Links stop working when a newer mail replaces them or when the data was deleted.',
  link: { href: '/#subscribe', label: 'Sign up again' },
};

/** The pages behind links in mails: confirm, and unsubscribe (GET shows a button; only POST acts). */
export const linkRoutes = (ctx: Context, page: PageRenderer): FastifyPluginAsyncZod => async (app) => {
  // RFC 8058: one-click POSTs SHOULD be multipart/form-data.
  acceptMultipartFields(app, BODY_LIMIT);

  app.get('/confirm/:token', { schema: { params: tokenParams, tags: ['links'] } }, async (req, reply) => {
    const sub = resolveToken(ctx, 'confirm', req.params.token);
    if (!sub) return sendPage(reply, page, 'message', { ...INVALID_LINK, message: 'It may have been replaced by a newer confirmation mail, or mistyped.' }, 404);
    const manage = { preferencesUrl: new URL(ctx.links.preferences(sub)).pathname };
    if (sub.status === 'active') return sendPage(reply, page, 'confirmed', { title: 'Already confirmed', heading: 'You are already subscribed', schedule: scheduleLabel(sub), ...manage });
    const age = Date.now() - Date.parse(sub.confirmSentAt ?? '');
    if (!(age < CONFIRM_DAYS * 86_400_000)) {
      return sendPage(reply, page, 'message', { ...INVALID_LINK, heading: 'This confirmation link has expired', message: `Confirmation links work for ${CONFIRM_DAYS} days. Sign up again to get a new one.` }, 410);
    }
    confirmSubscriber(ctx.db, sub.id);
    liftSuppression(ctx.db, emailHash(ctx.secret, sub.email));
    return sendPage(reply, page, 'confirmed', { title: 'Subscribed', heading: 'You are subscribed', schedule: scheduleLabel(sub), ...manage });
  });

  app.get('/unsubscribe/:token', { schema: { params: tokenParams, tags: ['links'] } }, async (req, reply) => {
    const sub = resolveToken(ctx, 'manage', req.params.token);
    if (!sub) return sendPage(reply, page, 'message', INVALID_LINK, 404);
    // A GET never unsubscribes: mail scanners open links. The button POSTs to the same URL.
    return sendPage(reply, page, 'unsubscribe', {
      title: 'Unsubscribe', email: sub.email, action: `/unsubscribe/${req.params.token}`,
      preferencesUrl: `/preferences/${req.params.token}`, already: sub.status === 'unsubscribed',
    });
  });

  // RFC 8058 one-click: mail providers POST "List-Unsubscribe=One-Click"; the page's button posts an empty form.
  app.post('/unsubscribe/:token', {
    schema: { params: tokenParams, body: unsubscribeBody, summary: 'Unsubscribe (RFC 8058 one-click or the page button)', tags: ['links'],
      consumes: ['application/x-www-form-urlencoded', 'multipart/form-data'] },
    // A provider may post many one-clicks from one address; holding one back would keep mailing someone who left.
    config: { rateLimit: false, anyOrigin: true },
    preValidation: oneClickOrSameOrigin(ctx.config.PUBLIC_URL),
  }, async (req, reply) => {
    const sub = resolveToken(ctx, 'manage', req.params.token);
    if (!sub) return sendPage(reply, page, 'message', INVALID_LINK, 404);
    unsubscribe(ctx.db, sub.id);
    return sendPage(reply, page, 'unsubscribed', {
      title: 'Unsubscribed', email: sub.email, token: req.params.token,
    });
  });
};
