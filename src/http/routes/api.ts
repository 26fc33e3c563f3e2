import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { subscriptionBody } from '../schemas.js';
import type { Subscriptions } from '../subscribe.js';

const errorShape = z.object({ error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }) });

/** JSON API: sign-up. */
export const apiRoutes = (subs: Subscriptions): FastifyPluginAsyncZod => async (app) => {
  app.post('/api/subscriptions', {
    schema: {
      summary: 'Sign up; a confirmation mail follows unless the address is already active', tags: ['api'],
      consumes: ['application/json', 'application/x-www-form-urlencoded'],
      body: subscriptionBody,
      response: { 202: z.object({ status: z.literal('pending') }), 400: errorShape, 413: errorShape, 415: errorShape, 429: errorShape },
    },
  }, async (req, reply) => {
    await subs.subscribe(req.body);
    // The same answer for new, pending and active addresses: nothing is revealed about who is subscribed.
    return reply.status(202).send({ status: 'pending' });
  });
};
