import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Context } from '../../context.js';
import { latestDay, neighbourDays, papersOfDay } from '../../store/archive.js';
import { sendPage, type PageRenderer } from '../pages.js';
import { archiveParams } from '../schemas.js';
import { paperView } from '../views.js';

/** The public archive: /papers/<YYYY-MM-DD> lists a day's papers; /papers goes to the latest day. */
export const archiveRoutes = (ctx: Context, page: PageRenderer): FastifyPluginAsyncZod => async (app) => {
  app.get('/papers', { schema: { tags: ['pages'] } }, async (_req, reply) => {
    const day = latestDay(ctx.db);
    if (!day) return sendPage(reply, page, 'message', { title: 'Archive', heading: 'The archive is empty', message: 'Papers appear here after the first ingest.' });
    return reply.redirect(`/papers/${day}`, 302);
  });

  app.get('/papers/:date', { schema: { params: archiveParams, tags: ['pages'] } }, async (req, reply) => {
    const { date } = req.params;
    const papers = papersOfDay(ctx.db, date).map(paperView);
    const days = neighbourDays(ctx.db, date);
    return sendPage(reply, page, 'archive', { title: `Papers of ${date}`, date, papers, ...days }, papers.length ? 200 : 404);
  });
};
