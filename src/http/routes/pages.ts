import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Context } from '../../context.js';
import { paperUrl, shortAuthors } from '../../digest/compose.js';
import { latestPapers } from '../../store/papers.js';
import type { PageRenderer } from '../pages.js';
import { subscriptionBody } from '../schemas.js';
import { subscribe } from '../subscribe.js';

const HOURS = Array.from({ length: 24 }, (_, h) => ({ value: h, label: `${String(h).padStart(2, '0')}:00`, selected: h === 8 }));

/** HTML pages: the landing page with today's papers and the sign-up form, and the form's answer. */
export const pageRoutes = (ctx: Context, page: PageRenderer): FastifyPluginAsyncZod => async (app) => {
  app.get('/', async (_req, reply) => {
    const papers = latestPapers(ctx.db, 10).map((p) => ({
      title: p.title, url: paperUrl(p), authors: shortAuthors(p.authors), upvotes: p.upvotes,
    }));
    return reply.type('text/html').send(page('index', { title: "Today's papers", papers, hours: HOURS }));
  });

  app.post('/subscribe', async (req, reply) => {
    const parsed = subscriptionBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.join('.');
      return reply.status(400).type('text/html').send(page('message', {
        title: 'Please check the form', heading: 'Please check the form',
        message: field ? `${field}: ${issue.message}` : issue.message, link: { href: '/#subscribe', label: 'Back to the form' },
      }));
    }
    await subscribe(ctx, parsed.data);
    return reply.status(202).type('text/html').send(page('message', {
      title: 'Check your inbox', heading: 'Check your inbox',
      message: `If ${parsed.data.email} is not subscribed yet, a confirmation link is on its way. Click it to start your daily digest.`,
    }));
  });
};
