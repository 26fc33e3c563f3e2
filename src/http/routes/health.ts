import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Context } from '../../context.js';
import { lastRunPerSource } from '../../store/ingest-runs.js';

/** GET /healthz: 200 when the database answers (with the last ingest run of each source), 503 when it does not. */
export const healthRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  app.get('/healthz', async (_req, reply) => {
    try {
      const papers = ctx.db.prepare('SELECT count(*) FROM papers').pluck().get() as number;
      const ingest = lastRunPerSource(ctx.db).map(({ source, finished, fetched, new: added, updated, rejected, error }) =>
        ({ source, finished, fetched, new: added, updated, rejected, error }));
      return { status: 'ok', papers, ingest };
    } catch {
      return reply.status(503).send({ error: { code: 'database_unavailable', message: 'The database does not answer' } });
    }
  });
};
