import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { readFileSync } from 'node:fs';
import { TEMPLATES_DIR } from '../../templates.js';

const TYPES = { 'app.css': 'text/css; charset=utf-8', 'frame.css': 'text/css; charset=utf-8', 'app.js': 'text/javascript; charset=utf-8' } as const;

/** What crawlers may index: the sign-up page and the public archive; never a page behind a link token (those pages
 *  are personal, and a crawler following a leaked link must not ask for them). */
export const ROBOTS_TXT = ['User-agent: *', 'Disallow: /confirm/', 'Disallow: /unsubscribe/', 'Disallow: /preferences/', 'Disallow: /feedback/',
  'Disallow: /digests/', 'Disallow: /api/', 'Disallow: /webhooks/', 'Disallow: /metrics', 'Disallow: /healthz', 'Allow: /', ''].join('\n');

/** GET /assets/app.css, frame.css (the header and footer, also around /docs) and app.js, the favicon and robots.txt:
 *  read once at start. */
export const assetRoutes = (dir = `${TEMPLATES_DIR}/pages/assets`): FastifyPluginAsyncZod => async (app) => {
  for (const [name, type] of Object.entries(TYPES)) {
    const body = readFileSync(`${dir}/${name}`);
    app.get(`/assets/${name}`, { schema: { hide: true } }, async (_req, reply) =>
      reply.type(type).header('cache-control', 'public, max-age=3600').send(body));
  }
  const icon = readFileSync(`${dir}/favicon.svg`);
  app.get('/favicon.svg', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(icon));
  // Browsers and feed readers ask for /favicon.ico whatever the page says.
  app.get('/favicon.ico', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/favicon.svg', 301));
  app.get('/robots.txt', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/plain; charset=utf-8').header('cache-control', 'public, max-age=86400').send(ROBOTS_TXT));
};
