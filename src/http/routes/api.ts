import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { subscriptionBody } from '../schemas.js';
import { subscribe } from '../subscribe.js';

/** JSON API: sign-up. */
export const apiRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  app.post('/api/subscriptions', {
    schema: { body: subscriptionBody, response: { 202: z.object({ status: z.literal('pending') }) } },
  }, async (req, reply) => {
    await subscribe(ctx, req.body);
    // The same answer for new, pending and active addresses: nothing is revealed about who is subscribed.
    return reply.status(202).send({ status: 'pending' });
  });
};
