import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';

/** How many POSTs one IP may make per window. */
export interface RateLimitOptions {
  max: number;
  timeWindowMs: number;
}

/** Per-IP limit on every POST (GETs are free: pages are cheap and cached nowhere else); over it, 429 with Retry-After. */
export async function registerRateLimit(app: FastifyInstance, opts: RateLimitOptions): Promise<void> {
  await app.register(rateLimit, {
    global: true, max: opts.max, timeWindow: opts.timeWindowMs,
    allowList: (req) => req.method !== 'POST',
    errorResponseBuilder: (_req, c) =>
      new ApiError(429, 'rate_limited', `Too many requests from your address; try again in ${c.after}`, undefined, Math.ceil(c.ttl / 1000)),
  });
}
