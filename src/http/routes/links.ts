import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Context } from '../../context.js';
import { confirmSubscriber, unsubscribe } from '../../store/subscribers.js';
import type { PageRenderer } from '../pages.js';
import { resolveToken } from '../resolve.js';
import { tokenParams } from '../schemas.js';

const CONFIRM_DAYS = 7;

/** The pages behind links in mails: confirm, and unsubscribe (GET shows a button; only POST acts). */
export const linkRoutes = (ctx: Context, page: PageRenderer): FastifyPluginAsyncZod => async (app) => {
  const invalid = { title: 'Link not valid', heading: 'This link is not valid', link: { href: '/#subscribe', label: 'Sign up again' } };

  app.get('/confirm/:token', { schema: { params: tokenParams } }, async (req, reply) => {
    const sub = resolveToken(ctx, 'confirm', req.params.token);
    const html = (status: number, model: Parameters<PageRenderer>[1]) => reply.status(status).type('text/html').send(page('message', model));
    if (!sub) return html(404, { ...invalid, message: 'It may have been replaced by a newer confirmation mail, or mistyped.' });
    if (sub.status === 'active') return html(200, { title: 'Already confirmed', heading: 'You are already subscribed', message: 'Your daily digest is on its way at your chosen hour.' });
    const age = Date.now() - Date.parse(sub.confirmSentAt ?? '');
    if (!(age < CONFIRM_DAYS * 86_400_000)) return html(410, { ...invalid, heading: 'This confirmation link has expired', message: `Confirmation links work for ${CONFIRM_DAYS} days.` });
    confirmSubscriber(ctx.db, sub.id);
    return html(200, { title: 'Subscribed', heading: 'You are subscribed', message: `Your first digest arrives at ${String(sub.hour).padStart(2, '0')}:00 (${sub.timezone}).` });
  });

  app.get('/unsubscribe/:token', { schema: { params: tokenParams } }, async (req, reply) => {
    const sub = resolveToken(ctx, 'manage', req.params.token);
    if (!sub) return reply.status(404).type('text/html').send(page('message', { ...invalid, message: 'Check that the whole link was copied.' }));
    // A GET never unsubscribes: mail scanners open links. The button POSTs to the same URL.
    return reply.type('text/html').send(page('unsubscribe', { title: 'Unsubscribe', email: sub.email, action: `/unsubscribe/${req.params.token}` }));
  });

  // RFC 8058 one-click: mail providers POST "List-Unsubscribe=One-Click"; the page's button posts an empty form.
  app.post('/unsubscribe/:token', { schema: { params: tokenParams } }, async (req, reply) => {
    const sub = resolveToken(ctx, 'manage', req.params.token);
    if (!sub) return reply.status(404).type('text/html').send(page('message', { ...invalid, message: 'Check that the whole link was copied.' }));
    unsubscribe(ctx.db, sub.id);
    return reply.type('text/html').send(page('message', {
      title: 'Unsubscribed', heading: 'You are unsubscribed', message: `No more digests will be sent to ${sub.email}.`,
      link: { href: '/#subscribe', label: 'Changed your mind? Subscribe again' },
    }));
  });
};
