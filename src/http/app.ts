import formbody from '@fastify/formbody';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Context } from '../context.js';
import { registerDocs } from './docs.js';
import { BODY_LIMIT } from './limits.js';
import { makeErrorHandler, wantsJson } from './errors.js';
import { registerMetrics } from './metrics.js';
import { operatorGuard } from './operator.js';
import { contactView, loadPages, sendPage } from './page-renderer.js';
import { registerRateLimit, type RateLimitOptions } from './rate-limit.js';
import { logSerializers } from '../log/redact.js';
import { apiRoutes } from './routes/api.js';
import { archiveRoutes } from './routes/archive.js';
import { assetRoutes } from './routes/assets.js';
import { digestRoutes } from './routes/digests.js';
import { feedbackRoutes } from './routes/feedback.js';
import { healthRoutes } from './routes/health.js';
import { linkRoutes } from './routes/links.js';
import { pageRoutes } from './routes/pages.js';
import { preferenceRoutes } from './routes/preferences.js';
import { openSubscribeUrl, webhookRoutes, type ConfirmSubscription } from './routes/webhooks.js';
import { registerSecurityHeaders, sameOriginPosts } from './security.js';
import { makeSubscriptions, SIGNUPS_PER_ADDRESS_PER_DAY } from '../signup/subscriptions.js';

export { BODY_LIMIT };

/** Abuse limits; the defaults suit a public instance, the benchmark raises them. */
export interface AppOptions {
  rateLimit?: RateLimitOptions;
  /** Sign-ups (and so confirmation mails) per address per 24 hours. */
  signupsPerAddressPerDay?: number;
  /** How an SNS subscription is confirmed (default: a GET of its SubscribeURL); tests record it instead. */
  confirmSnsSubscription?: ConfirmSubscription;
}

/** Builds the Fastify app over a context; call `listen` or `inject` on it. */
export async function buildApp(ctx: Context, opts: AppOptions = {}): Promise<FastifyInstance> {
  const log = (ctx.log as FastifyBaseLogger).child({}, { serializers: logSerializers });
  const app = Fastify({ loggerInstance: log, bodyLimit: BODY_LIMIT,
    // Per-IP rate limits need the client's address, which a reverse proxy only passes in X-Forwarded-For.
    trustProxy: ctx.config.TRUST_PROXY.length ? ctx.config.TRUST_PROXY : false,
    // Long enough that an oversized token reaches the zod schema, which says what is wrong.
    routerOptions: { maxParamLength: 2000 },
    // Per-request lines would log URLs, and URLs carry tokens.
    logController: new LogController({ disableRequestLogging: true }) }).withTypeProvider<ZodTypeProvider>();
  // Routes behind a link token find what it opened here (token-guard.ts).
  app.decorateRequest('linkHolder', null);
  const page = loadPages({ instance: ctx.config.INSTANCE_NAME, contact: contactView(ctx.config.INSTANCE_CONTACT) });
  const { mailer, libraries, categories, feeds } = ctx;
  const subs = makeSubscriptions(ctx, mailer, opts.signupsPerAddressPerDay ?? SIGNUPS_PER_ADDRESS_PER_DAY);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(makeErrorHandler(page));
  app.setNotFoundHandler((req, reply) => {
    if (wantsJson(req.url)) return reply.status(404).send({ error: { code: 'not_found', message: 'No such endpoint' } });
    return sendPage(reply, page, 'message', { title: 'Not found', heading: 'Page not found', message: 'There is nothing at this address.', link: { href: '/', label: 'Go to the home page' } }, 404);
  });
  app.addHook('onRequest', sameOriginPosts(ctx.config.PUBLIC_URL));
  registerSecurityHeaders(app);
  await registerRateLimit(app, opts.rateLimit ?? { max: 20, timeWindowMs: 60_000 });
  await registerDocs(app, ctx.config.PUBLIC_URL, page, ctx.config.INSTANCE_NAME);
  registerMetrics(app, ctx.db, operatorGuard(ctx.config.METRICS_TOKEN));
  await app.register(formbody, { bodyLimit: BODY_LIMIT });
  await app.register(apiRoutes({ ctx, subs, libraries }));
  await app.register(pageRoutes({ ctx, page, subs, categories, libraries }));
  await app.register(linkRoutes({ ctx, page, subs, feeds }));
  await app.register(preferenceRoutes({ ctx, page, categories, libraries, feeds }));
  await app.register(feedbackRoutes({ ctx, page }));
  await app.register(digestRoutes({ ctx, page }));
  await app.register(archiveRoutes({ ctx, page, categories }));
  await app.register(assetRoutes());
  await app.register(healthRoutes({ ctx, isOperator: operatorGuard(ctx.config.METRICS_TOKEN) }));
  await app.register(webhookRoutes({ ctx, confirm: opts.confirmSnsSubscription ?? openSubscribeUrl }));
  // Confirmation mails queued before a crash or by a stopped process go out now.
  mailer.kick();
  return app;
}
