import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ContextPart } from '../../context.js';
import type { FeedFetcher } from '../../ingest/on-demand.js';
import { dayLabel, deliverySentence, frequencyWord, localDayHour, scheduleLabel } from '../../digest/due.js';
import { hasDigest } from '../../store/digests.js';
import { emailHash } from '../../store/address-guard.js';
import { CONFIRM_DAYS, isExpired, type Asked } from '../../store/requests.js';
import { confirmSignUp, unsubscribe, type SubscriberRecord } from '../../store/subscribers.js';
import { BODY_LIMIT } from '../limits.js';
import { acceptMultipartFields } from '../multipart.js';
import { seeOther, sendPage, type PageRenderer } from '../page-renderer.js';
import { resolveRequest, resolveUnsubscribe } from '../resolve.js';
import { INVALID_LINK, tokenGuard } from '../token-guard.js';
import { oneClickOrSameOrigin } from '../security.js';
import { doneQuery, emptyBody, tokenParams, unsubscribeBody } from '../schemas.js';
import type { Subscriptions } from '../../signup/subscriptions.js';
import { categoryLabel } from '../views.js';

const EXPIRED = {
  ...INVALID_LINK, heading: 'This confirmation link has expired',
  message: `Confirmation links work for ${CONFIRM_DAYS} days. Sign up again to get a new one.`,
};

/** What a confirmation page lists: the interests and schedule the request asked for, as plain strings. */
function askedView(asked: Asked) {
  return {
    digest: frequencyWord(asked), keywords: asked.keywords.join(', '), categories: asked.categories.map(categoryLabel).join(', '),
    authors: asked.authors.join(', '), about: asked.about, papers: asked.papers.join(', '),
    library: asked.library ? `${asked.library.length} ${asked.library.length === 1 ? 'entry' : 'entries'}, kept when you confirm` : null,
  };
}

/** The page of a confirmation link already used: the address's state now, and a button that mails its owner the link
 *  they need (the preferences link, or one to come back), within the owner's own quota. */
function usedPage(token: string, sub: SubscriberRecord, usedAt: string, schedule: string, done?: string) {
  const active = sub.status === 'active';
  const when = dayLabel(usedAt.slice(0, 10));
  return {
    title: active ? 'You’re already subscribed' : 'This link was used already', email: sub.email, action: `/confirm/${token}/mail-link`,
    heading: active ? 'You’re already subscribed' : 'This link was used already',
    message: active
      ? `This confirmation link was used on ${when}: ${sub.email} gets its digest ${schedule}. To change your interests or schedule, open your preferences: we mail their link to ${sub.email}.`
      : `This confirmation link was used on ${when}, and ${sub.email} has unsubscribed since. To get digests again, we mail a link that resubscribes it.`,
    button: active ? 'Mail me my preferences link' : 'Mail me a link to resubscribe',
    notice: done === 'link' ? (active ? `We mailed the link to your preferences to ${sub.email}.` : `We mailed a confirmation link to ${sub.email}.`) : '',
  };
}

/** What a redirect back to the unsubscribe page says happened (`?done=`), in our own words. */
const MAILED = { confirm: 'We mailed a confirmation link to {email}. Open it and press Confirm to get your digests again.', link: 'We mailed the link to your preferences to {email}.' } as const;

/** What the confirm and unsubscribe links need: the store, the links, sign-up (to mail a link), the first fetch of new categories. */
export interface LinkRouteDeps {
  ctx: ContextPart<'db' | 'secret' | 'links', 'PUBLIC_URL'>;
  page: PageRenderer;
  subs: Subscriptions;
  feeds: FeedFetcher;
}

/**
 * The pages behind links in sign-up mails and digests: confirm (GET shows what would be confirmed and one
 * button; only the POST confirms) and unsubscribe (GET shows a button; the POST unsubscribes, RFC 8058
 * one-click included, from any origin and never held back by the per-IP limit).
 */
export const linkRoutes = ({ ctx, page, subs, feeds }: LinkRouteDeps): FastifyPluginAsyncZod => async (app) => {
  // RFC 8058: one-click POSTs SHOULD be multipart/form-data.
  acceptMultipartFields(app, BODY_LIMIT);
  // A confirm token names a sign-up request; the mail-link button works once the request was used. An unsubscribe
  // token names a subscriber. A token that opens nothing is answered 404 before any handler runs.
  const request = tokenGuard(page, (token) => resolveRequest(ctx, token));
  const usedRequest = tokenGuard(page, (token) => {
    const found = resolveRequest(ctx, token);
    return found?.request.usedAt ? found : null;
  });
  const leaver = tokenGuard(page, (token) => resolveUnsubscribe(ctx, token));

  app.get('/confirm/:token', { schema: { params: tokenParams, querystring: doneQuery, tags: ['links'] }, preHandler: request.preHandler }, async (req, reply) => {
    const found = request.of(req);
    // Used (this one or another of the address's): say where the address stands, not "not valid" (issue 22, item 18).
    if (found.request.usedAt) return sendPage(reply, page, 'confirm-used', usedPage(req.params.token, found.sub, found.request.usedAt, scheduleLabel(found.sub), req.query.done));
    if (isExpired(found.request)) return sendPage(reply, page, 'message', EXPIRED, 410);
    // A GET never confirms: mail scanners open links, some run scripts. The button POSTs to the same URL.
    const asked = found.request.asked!;
    const now = new Date();
    const schedule = { ...asked, pausedUntil: null };
    return sendPage(reply, page, 'confirm', {
      title: 'Confirm your subscription', email: found.sub.email, action: `/confirm/${req.params.token}`, ...askedView(asked), invited: found.request.invited,
      delivery: deliverySentence(now, schedule, hasDigest(ctx.db, found.sub.id, localDayHour(now, asked.timezone).date)),
    });
  });

  app.post('/confirm/:token', {
    schema: { params: tokenParams, body: emptyBody, summary: 'Confirm a sign-up (the button of the confirmation page)', tags: ['links'] },
    preHandler: request.preHandler,
  }, async (req, reply) => {
    const found = request.of(req);
    // Pressed again (a second tab, the back button): nothing is applied twice; the page says where the address stands.
    if (found.request.usedAt) return seeOther(reply, `/confirm/${req.params.token}`);
    if (isExpired(found.request)) return sendPage(reply, page, 'message', EXPIRED, 410);
    const sub = confirmSignUp(ctx.db, { ...found.request, asked: found.request.asked! }, emailHash(ctx.secret, found.sub.email));
    // A category nobody here followed before is fetched now, so the first digest has its papers.
    feeds.request(sub.profile.categories);
    // The full profile lives on the preferences page: the answer goes there, saying when the first digest comes.
    return seeOther(reply, `${new URL(ctx.links.preferences(sub)).pathname}?done=confirmed`);
  });

  // The button of a used confirmation link's page: the owner's preferences link (or, once unsubscribed, one to come back).
  app.post('/confirm/:token/mail-link', {
    schema: { params: tokenParams, body: emptyBody, summary: 'Mail the preferences link (or a link to resubscribe) from a used confirmation link', tags: ['links'] },
    preHandler: usedRequest.preHandler,
  }, async (req, reply) => {
    const found = usedRequest.of(req);
    await subs.mailOwner(found.sub, found.sub.status === 'active' ? 'manage' : 'confirm');
    return seeOther(reply, `/confirm/${req.params.token}?done=link`);
  });

  /** The unsubscribe page as the address stands: a button to leave, or (once left) buttons to come back. */
  const unsubscribePage = (token: string, sub: SubscriberRecord, done?: string) => {
    const notice = done === 'confirm' || done === 'link' ? MAILED[done].replace('{email}', sub.email) : '';
    const left = sub.status === 'unsubscribed';
    return { title: left ? 'Unsubscribed' : 'Unsubscribe', email: sub.email, action: `/unsubscribe/${token}`, unsubscribed: left, notice };
  };

  app.get('/unsubscribe/:token', { schema: { params: tokenParams, querystring: doneQuery, tags: ['links'] }, preHandler: leaver.preHandler }, async (req, reply) => {
    const sub = leaver.of(req);
    // A GET never unsubscribes: mail scanners open links. The button POSTs to the same URL.
    return sendPage(reply, page, 'unsubscribe', unsubscribePage(req.params.token, sub, req.query.done));
  });

  // RFC 8058 one-click: mail providers POST "List-Unsubscribe=One-Click"; the page's button posts an empty form.
  app.post('/unsubscribe/:token', {
    schema: { params: tokenParams, body: unsubscribeBody, summary: 'Unsubscribe (RFC 8058 one-click or the page button)', tags: ['links'],
      consumes: ['application/x-www-form-urlencoded', 'multipart/form-data'] },
    // A provider may post many one-clicks from one address; holding one back would keep mailing someone who left.
    config: { rateLimit: false, anyOrigin: true },
    preValidation: oneClickOrSameOrigin(ctx.config.PUBLIC_URL),
    preHandler: leaver.preHandler,
  }, async (req, reply) => {
    const sub = leaver.of(req);
    unsubscribe(ctx.db, sub.id);
    // A mail provider's one-click gets its answer at once; the page's button is redirected to the page (Post/Redirect/Get).
    if (req.body?.['List-Unsubscribe'] === 'One-Click') return sendPage(reply, page, 'unsubscribe', unsubscribePage(req.params.token, { ...sub, status: 'unsubscribed' }));
    return seeOther(reply, `/unsubscribe/${req.params.token}`);
  });

  // The unsubscribe page cannot open preferences or resubscribe by itself (its link is in every mail's
  // headers): these buttons mail the owner a confirmation or preferences link instead, within the sign-up limit.
  for (const [path, kind] of [['resubscribe', 'confirm'], ['preferences-link', 'manage']] as const) {
    app.post(`/unsubscribe/:token/${path}`, {
      schema: { params: tokenParams, body: emptyBody, summary: kind === 'confirm' ? 'Mail a link that resubscribes' : 'Mail the preferences link', tags: ['links'] },
      preHandler: leaver.preHandler,
    }, async (req, reply) => {
      const sub = leaver.of(req);
      await subs.mailOwner(sub, kind);
      return seeOther(reply, `/unsubscribe/${req.params.token}?done=${kind === 'confirm' ? 'confirm' : 'link'}`);
    });
  }
};
