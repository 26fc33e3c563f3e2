import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { readFileSync } from 'node:fs';
import { TEMPLATES_DIR } from '../../templates.js';

const TYPES = { 'app.css': 'text/css; charset=utf-8', 'frame.css': 'text/css; charset=utf-8', 'app.js': 'text/javascript; charset=utf-8' } as const;

/** GET /assets/app.css, frame.css (the header and footer, also around /docs) and app.js: read once at start. */
export const assetRoutes = (dir = `${TEMPLATES_DIR}/pages/assets`): FastifyPluginAsyncZod => async (app) => {
  for (const [name, type] of Object.entries(TYPES)) {
    const body = readFileSync(`${dir}/${name}`);
    app.get(`/assets/${name}`, { schema: { hide: true } }, async (_req, reply) =>
      reply.type(type).header('cache-control', 'public, max-age=3600').send(body));
  }
};
