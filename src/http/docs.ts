import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { PageRenderer } from './page-renderer.js';

/** Swagger UI's page, to which the site adds a way back and its header and footer (Swagger UI has its own <main>). */
const DOCS_PAGE = /^\/docs\/?(?:\?|$)/;

/**
 * Registers the OpenAPI document (/docs/json), generated from the routes' zod schemas, and Swagger UI at /docs
 * inside the site's header and footer. Swagger UI's own top bar (an unlabelled URL box and logo) is left out, and
 * so are its deep links, which nest a link inside each operation's button.
 */
export async function registerDocs(app: FastifyInstance, publicUrl: string, page: PageRenderer, instance: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: { title: 'Paperboy', version: '0.1.0', description: 'Daily research-paper digests: the JSON API and the pages behind the links in mails.' },
      servers: [{ url: publicUrl }],
      tags: [
        { name: 'api', description: 'JSON API' },
        { name: 'pages', description: 'HTML pages' },
        { name: 'links', description: 'Pages and forms behind the links in mails; the token is the key' },
        { name: 'operations', description: 'Health and metrics' },
      ],
    },
    transform: jsonSchemaTransform,
  });
  const header = page.partial('site-header');
  const footer = page.partial('site-footer');
  await app.register(swaggerUi, {
    routePrefix: '/docs', logLevel: 'silent', uiConfig: { layout: 'BaseLayout', deepLinking: false },
    theme: { title: `API · ${instance}` },
  });
  app.addHook('onSend', async (req, reply, payload) => {
    if (!DOCS_PAGE.test(req.url) || typeof payload !== 'string' || !String(reply.getHeader('content-type')).startsWith('text/html')) return payload;
    return payload
      .replace('</head>', '<link rel="stylesheet" href="/assets/frame.css">\n</head>')
      .replace('<div id="swagger-ui"></div>', `<div class="docs-frame">${header}</div><div id="main" class="docs"><p class="back"><a href="/">← Back to the site</a></p><h1 class="docs-title">The Paperboy API</h1><div id="swagger-ui"></div></div><div class="docs-frame">${footer}</div>`);
  });
}
