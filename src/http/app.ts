import formbody from '@fastify/formbody';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Context } from '../context.js';
import { errorHandler } from './errors.js';
import { loadPages } from './pages.js';
import { apiRoutes } from './routes/api.js';
import { healthRoutes } from './routes/health.js';
import { linkRoutes } from './routes/links.js';
import { pageRoutes } from './routes/pages.js';

/** Request bodies over 16 KB are refused with 413. */
export const BODY_LIMIT = 16 * 1024;

/** Builds the Fastify app over a context; call `listen` or `inject` on it. */
export async function buildApp(ctx: Context): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: ctx.log as FastifyBaseLogger, bodyLimit: BODY_LIMIT,
    // Per-request lines would log URLs, and URLs carry tokens.
    logController: new LogController({ disableRequestLogging: true }) }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/')) return reply.status(404).send({ error: { code: 'not_found', message: 'No such endpoint' } });
    return reply.status(404).type('text/html').send(page('message', { title: 'Not found', heading: 'Page not found', message: 'There is nothing at this address.', link: { href: '/', label: 'Go to the home page' } }));
  });
  const page = loadPages();
  await app.register(formbody, { bodyLimit: BODY_LIMIT });
  await app.register(apiRoutes(ctx));
  await app.register(pageRoutes(ctx, page));
  await app.register(linkRoutes(ctx, page));
  await app.register(healthRoutes(ctx));
  return app;
}
