import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Context } from '../../context.js';
import { deliverySentence, localDayHour, nextDelivery } from '../../digest/due.js';
import { buildDigest } from '../../mail/sender.js';
import { WEIGHTS } from '../../rank/weights.js';
import { emailHash } from '../../store/address-guard.js';
import { hasDigest } from '../../store/digests.js';
import { subscriberData } from '../../store/subscriber-data.js';
import { deleteSubscriberData, resubscribe, updatePreferences, type SubscriberRecord } from '../../store/subscribers.js';
import { formIssues } from '../errors.js';
import { fieldErrors, valuesFromBody, valuesOf, type FieldErrors, type FormValues } from '../forms.js';
import { seeOther, sendPage, type PageRenderer } from '../pages.js';
import { resolveManage } from '../resolve.js';
import { deleteBody, doneQuery, emptyBody, preferencesBody, tokenParams } from '../schemas.js';
import { formView, type CategoryCount } from '../views.js';
import { INVALID_LINK } from './links.js';
import { mailView } from './digests.js';

/** What a redirect back to the preferences page says happened (`?done=`): our own words, whoever wrote the URL. */
const NOTICES = {
  saved: 'Saved.',
  resubscribed: 'You are subscribed again.',
  pending: 'This address still has to be confirmed: open the link in the confirmation mail and press Confirm.',
  confirmed: '',
} as const;

/** The schedule in a sentence, with when the next digest really goes out (today's may be due already). */
export function deliveryOf(ctx: Context, sub: SubscriberRecord, now = new Date()): string {
  return deliverySentence(now, sub, hasDigest(ctx.db, sub.id, localDayHour(now, sub.timezone).date));
}

/** /preferences/<token>: view and edit everything, preview the next digest, resubscribe, download and delete my data. */
export const preferenceRoutes = (ctx: Context, page: PageRenderer, categories: () => CategoryCount[]): FastifyPluginAsyncZod => async (app) => {
  const show = (reply: FastifyReply, token: string, sub: SubscriberRecord, o: { values?: FormValues; errors?: FieldErrors; done?: string } = {}, status = 200) => {
    const notice = o.done && Object.hasOwn(NOTICES, o.done) ? NOTICES[o.done as keyof typeof NOTICES] : '';
    const base = `/preferences/${token}`;
    return sendPage(reply, page, 'preferences', {
      title: o.errors ? 'Your preferences: check the form' : 'Your preferences', token, status: sub.status, notice,
      welcome: o.done === 'confirmed' && sub.status === 'active', delivery: deliveryOf(ctx, sub),
      previewUrl: sub.status === 'unsubscribed' ? null : `${base}/preview`, unsubscribeUrl: new URL(ctx.links.unsubscribe(sub)).pathname,
      weakDayItems: WEIGHTS.weakDayItems, ...formView(o.values ?? valuesOf(sub), o.errors ?? {}, categories()),
    }, status);
  };

  app.get('/preferences/:token', { schema: { params: tokenParams, querystring: doneQuery, tags: ['links'] } }, async (req, reply) => {
    const sub = resolveManage(ctx, req.params.token);
    return sub ? show(reply, req.params.token, sub, { done: req.query.done }) : sendPage(reply, page, 'message', INVALID_LINK, 404);
  });

  app.post('/preferences/:token', {
    schema: { params: tokenParams, body: preferencesBody, summary: 'Save every preference (the form)', tags: ['links'], consumes: ['application/x-www-form-urlencoded'] },
    attachValidation: true,
  }, async (req, reply) => {
    const issues = formIssues(req);
    const sub = resolveManage(ctx, req.params.token);
    if (!sub) return sendPage(reply, page, 'message', INVALID_LINK, 404);
    if (issues) {
      const values = valuesFromBody(req.body, { ...valuesOf(sub), categories: [] });
      return show(reply, req.params.token, sub, { values, errors: fieldErrors(issues, req.body) }, 400);
    }
    const b = req.body;
    updatePreferences(ctx.db, sub.id, {
      keywords: b.keywords, categories: b.categories, authors: b.authors, about: b.about, papers: b.papers,
      timezone: b.timezone, hour: b.hour, frequency: b.frequency, weekday: b.weekday, digestSize: b.digestSize,
      weakDay: b.weakDay, pausedUntil: b.pausedUntil,
    });
    return seeOther(reply, `/preferences/${req.params.token}?done=saved`);
  });

  app.get('/preferences/:token/preview', { schema: { params: tokenParams, summary: 'What the next digest would hold if it went out now', tags: ['links'] } }, async (req, reply) => {
    const sub = resolveManage(ctx, req.params.token);
    if (!sub) return sendPage(reply, page, 'message', INVALID_LINK, 404);
    const now = new Date();
    const next = nextDelivery(now, sub, hasDigest(ctx.db, sub.id, localDayHour(now, sub.timezone).date));
    // The ranking `paperboy preview` runs: papers of the last week not sent before, votes included; nothing is recorded.
    const built = buildDigest(ctx, sub, next === 'now' ? localDayHour(now, sub.timezone).date : next, now);
    const back = { href: `/preferences/${req.params.token}`, label: 'Back to your preferences' };
    return sendPage(reply, page, 'mail-view', {
      title: 'Preview of your next digest', back, heading: 'Preview of your next digest',
      notice: 'What your next digest would hold if it went out now, from the papers of the last week. Nothing is sent or recorded; new papers may still arrive before it goes out.',
      ...(built.ranked.length || built.model.note
        ? mailView(built.body.html)
        : { empty: 'Nothing would be sent: too few new papers of the last week match your interests, and on such a day you chose to get nothing. Add topics or categories, or choose a short note on quiet days.' }),
    });
  });

  app.post('/preferences/:token/resubscribe', {
    schema: { params: tokenParams, body: emptyBody, summary: 'Resubscribe an unsubscribed address', tags: ['links'] },
  }, async (req, reply) => {
    const sub = resolveManage(ctx, req.params.token);
    if (!sub) return sendPage(reply, page, 'message', INVALID_LINK, 404);
    const back = resubscribe(ctx.db, sub.id) || sub.status === 'active';
    return seeOther(reply, `/preferences/${req.params.token}?done=${back ? 'resubscribed' : 'pending'}`);
  });

  // A GET that changes nothing: a link scanner opening it learns only what the token's holder may read anyway.
  app.get('/preferences/:token/data', { schema: { params: tokenParams, summary: 'Everything kept about the subscriber, as JSON', tags: ['links'] } }, async (req, reply) => {
    const sub = resolveManage(ctx, req.params.token);
    const data = sub && subscriberData(ctx.db, sub.id);
    if (!data) return sendPage(reply, page, 'message', INVALID_LINK, 404);
    return reply.type('application/json; charset=utf-8').header('content-disposition', 'attachment; filename="paperboy-my-data.json"')
      .send(JSON.stringify(data, null, 2));
  });

  app.post('/preferences/:token/delete', {
    schema: { params: tokenParams, body: deleteBody, summary: 'Erase the subscriber and their history', tags: ['links'], consumes: ['application/x-www-form-urlencoded'] },
  }, async (req, reply) => {
    const sub = resolveManage(ctx, req.params.token);
    if (!sub) return sendPage(reply, page, 'message', INVALID_LINK, 404);
    deleteSubscriberData(ctx.db, sub.id, emailHash(ctx.secret, sub.email));
    return seeOther(reply, '/deleted');
  });

  app.get('/deleted', { schema: { hide: true } }, async (_req, reply) => sendPage(reply, page, 'message', {
    title: 'Data deleted', heading: 'Your data is deleted',
    message: 'The address, interests, digests and votes are erased. Every link in earlier mails has stopped working.',
    link: { href: '/', label: 'Go to the home page' },
  }));
};
