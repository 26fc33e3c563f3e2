import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Context } from '../../context.js';
import { scheduleLabel } from '../../digest/due.js';
import { knownCategories } from '../../store/archive.js';
import { emailHash } from '../../store/address-guard.js';
import { deleteSubscriberData, resubscribe, updatePreferences } from '../../store/subscribers.js';
import { sendPage, type PageRenderer } from '../pages.js';
import { resolveManage } from '../resolve.js';
import { deleteBody, emptyBody, preferencesBody, tokenParams } from '../schemas.js';
import { preferencesView } from '../views.js';
import { INVALID_LINK } from './links.js';

/** /preferences/<token>: view and edit everything, resubscribe, and delete my data. */
export const preferenceRoutes = (ctx: Context, page: PageRenderer): FastifyPluginAsyncZod => async (app) => {
  const form = (token: string, notice?: string) => {
    const sub = resolveManage(ctx, token);
    return sub && {
      title: 'Your preferences', token, notice, unsubscribeUrl: new URL(ctx.links.unsubscribe(sub)).pathname, ...preferencesView(sub, knownCategories(ctx.db)),
    };
  };

  app.get('/preferences/:token', { schema: { params: tokenParams, tags: ['links'] } }, async (req, reply) => {
    const model = form(req.params.token);
    return model ? sendPage(reply, page, 'preferences', model) : sendPage(reply, page, 'message', INVALID_LINK, 404);
  });

  app.post('/preferences/:token', {
    schema: { params: tokenParams, body: preferencesBody, summary: 'Save every preference (the form)', tags: ['links'], consumes: ['application/x-www-form-urlencoded'] },
  }, async (req, reply) => {
    const sub = resolveManage(ctx, req.params.token);
    if (!sub) return sendPage(reply, page, 'message', INVALID_LINK, 404);
    const b = req.body;
    updatePreferences(ctx.db, sub.id, {
      keywords: b.keywords, categories: b.categories, authors: b.authors, about: b.about, papers: b.papers,
      timezone: b.timezone, hour: b.hour, frequency: b.frequency, weekday: b.weekday, digestSize: b.digestSize,
      weakDay: b.weakDay, pausedUntil: b.pausedUntil,
    });
    const saved = resolveManage(ctx, req.params.token)!;
    return sendPage(reply, page, 'preferences', form(req.params.token, `Saved. Your digest arrives at ${scheduleLabel(saved)}.`)!);
  });

  app.post('/preferences/:token/resubscribe', {
    schema: { params: tokenParams, body: emptyBody, summary: 'Resubscribe an unsubscribed address', tags: ['links'] },
  }, async (req, reply) => {
    const sub = resolveManage(ctx, req.params.token);
    if (!sub) return sendPage(reply, page, 'message', INVALID_LINK, 404);
    const notice = resubscribe(ctx.db, sub.id) || sub.status === 'active'
      ? `You are subscribed again. Your digest arrives at ${scheduleLabel(sub)}.`
      : 'This address still has to be confirmed: open the link in the confirmation mail and press Confirm.';
    return sendPage(reply, page, 'preferences', form(req.params.token, notice)!);
  });

  app.post('/preferences/:token/delete', {
    schema: { params: tokenParams, body: deleteBody, summary: 'Erase the subscriber and their history', tags: ['links'], consumes: ['application/x-www-form-urlencoded'] },
  }, async (req, reply) => {
    const sub = resolveManage(ctx, req.params.token);
    if (!sub) return sendPage(reply, page, 'message', INVALID_LINK, 404);
    deleteSubscriberData(ctx.db, sub.id, emailHash(ctx.secret, sub.email));
    return sendPage(reply, page, 'message', {
      title: 'Data deleted', heading: 'Your data is deleted',
      message: 'Your address, interests, digests and votes are erased. Every link in earlier mails has stopped working.',
      link: { href: '/', label: 'Go to the home page' },
    });
  });
};
