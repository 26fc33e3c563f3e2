import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Context } from '../../context.js';
import { knownCategories } from '../../store/archive.js';
import { latestPapers } from '../../store/papers.js';
import { sendPage, type PageRenderer } from '../pages.js';
import { subscriptionBody } from '../schemas.js';
import type { Subscriptions } from '../subscribe.js';
import { categoryOptions, hourOptions, paperView, weekdayOptions } from '../views.js';

/** How long the landing page's paper list may be reused: it is the same for everyone and changes with ingests only. */
const LANDING_TTL_MS = 5_000;

/** Memoises `load()` for `ttlMs`. */
function fresh<T>(ttlMs: number, load: () => T): () => T {
  let value: T | undefined;
  let until = 0;
  return () => {
    if (value === undefined || Date.now() >= until) [value, until] = [load(), Date.now() + ttlMs];
    return value;
  };
}

/** HTML pages: the landing page with today's papers and the sign-up form, and the form's answer. */
export const pageRoutes = (ctx: Context, page: PageRenderer, subs: Subscriptions): FastifyPluginAsyncZod => async (app) => {
  const landing = fresh(LANDING_TTL_MS, () => ({
    papers: latestPapers(ctx.db, 15).map(paperView), categories: categoryOptions(knownCategories(ctx.db), []),
  }));

  app.get('/', { schema: { summary: 'Top papers and the sign-up form', tags: ['pages'] } }, async (_req, reply) =>
    sendPage(reply, page, 'index', { title: "Today's papers", ...landing(), hours: hourOptions(8), weekdays: weekdayOptions(1), domains: ctx.config.ALLOWED_EMAIL_DOMAINS.join(', ') }));

  // The form posts here: the API's schema, with errors shown on a page.
  app.post('/subscribe', { schema: { body: subscriptionBody, summary: 'The sign-up form; answers a page', tags: ['pages'], consumes: ['application/x-www-form-urlencoded'] } }, async (req, reply) => {
    await subs.subscribe(req.body);
    // The same page whether or not the address is known: nothing is revealed about who is subscribed.
    return sendPage(reply, page, 'check-inbox', { title: 'Check your inbox', email: req.body.email }, 202);
  });
};
