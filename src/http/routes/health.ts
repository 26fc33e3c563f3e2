import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Context } from '../../context.js';
import { ingestWarnings } from '../../ingest/health.js';
import { lastRunPerSource } from '../../store/ingest-runs.js';

/** GET /healthz: 200 when the database answers (with the last ingest run of each source and any ingest warning), 503 when it does not. */
export const healthRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  app.get('/healthz', async (_req, reply) => {
    try {
      const papers = ctx.db.prepare('SELECT count(*) FROM papers').pluck().get() as number;
      const ingest = lastRunPerSource(ctx.db).map(({ source, finished, fetched, new: added, updated, rejected, error }) =>
        ({ source, finished, fetched, new: added, updated, rejected, error }));
      // Warnings do not make the answer fail: a feed outage is no reason to restart the service.
      return { status: 'ok', papers, ingest, warnings: ingestWarnings(ctx.db) };
    } catch {
      return reply.status(503).send({ error: { code: 'database_unavailable', message: 'The database does not answer' } });
    }
  });
};
