import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/** Registers the OpenAPI document (/docs/json), generated from the routes' zod schemas, and Swagger UI at /docs. */
export async function registerDocs(app: FastifyInstance, publicUrl: string): Promise<void> {
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
  await app.register(swaggerUi, { routePrefix: '/docs', logLevel: 'silent' });
}
