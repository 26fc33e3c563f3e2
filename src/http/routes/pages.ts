import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Context } from '../../context.js';
import { knownCategories } from '../../store/archive.js';
import { latestPapers } from '../../store/papers.js';
import { sendPage, type PageRenderer } from '../pages.js';
import { subscriptionBody } from '../schemas.js';
import type { Subscriptions } from '../subscribe.js';
import { categoryOptions, hourOptions, paperView, weekdayOptions } from '../views.js';

/** HTML pages: the landing page with today's papers and the sign-up form, and the form's answer. */
export const pageRoutes = (ctx: Context, page: PageRenderer, subs: Subscriptions): FastifyPluginAsyncZod => async (app) => {
  app.get('/', { schema: { summary: 'Top papers and the sign-up form', tags: ['pages'] } }, async (_req, reply) => {
    const papers = latestPapers(ctx.db, 15).map(paperView);
    return sendPage(reply, page, 'index', {
      title: "Today's papers", papers, hours: hourOptions(8), weekdays: weekdayOptions(1),
      categories: categoryOptions(knownCategories(ctx.db), []),
    });
  });

  // The form posts here: the API's schema, with errors shown on a page.
  app.post('/subscribe', { schema: { body: subscriptionBody, summary: 'The sign-up form; answers a page', tags: ['pages'] } }, async (req, reply) => {
    subs.subscribe(req.body);
    // The same page whether or not the address is known: nothing is revealed about who is subscribed.
    return sendPage(reply, page, 'check-inbox', { title: 'Check your inbox', email: req.body.email }, 202);
  });
};
