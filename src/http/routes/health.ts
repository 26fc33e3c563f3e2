import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Context } from '../../context.js';

/** GET /healthz: 200 when the database answers, 503 when it does not. */
export const healthRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  app.get('/healthz', async (_req, reply) => {
    try {
      const papers = ctx.db.prepare('SELECT count(*) FROM papers').pluck().get() as number;
      return { status: 'ok', papers };
    } catch {
      return reply.status(503).send({ error: { code: 'database_unavailable', message: 'The database does not answer' } });
    }
  });
};
