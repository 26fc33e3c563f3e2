import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ContextPart } from '../../context.js';
import { mailgunEvents, mailgunSignature, mailgunSigned } from '../../bounces/esp/mailgun.js';
import { freshTimestamp, json, PayloadError, SIGNED_CALL_MAX_SKEW_MS } from '../../bounces/esp/payload.js';
import { postmarkAuthorized, postmarkEvents } from '../../bounces/esp/postmark.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, sendgridEvents, sendgridSigned } from '../../bounces/esp/sendgrid.js';
import { isSnsUrl, sesEvents, SnsRefused, verifySns } from '../../bounces/esp/ses.js';
import { recordEvent, type MailEvent } from '../../bounces/record-event.js';
import { spendToken } from '../../store/webhook-tokens.js';
import { ApiError } from '../../api-error.js';

/** Bodies up to 1 MB: SendGrid posts events in batches, SES notifications carry the mail's headers. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/** Confirms an SNS subscription by opening its SubscribeURL (an https URL on an SNS host, checked before). */
export type ConfirmSubscription = (url: string) => Promise<void>;

/** The real confirmation: one GET to SNS. */
export const openSubscribeUrl: ConfirmSubscription = async (url) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`SNS answered ${res.status}`);
};

const off = (key: string) => new ApiError(404, 'webhook_off', `This webhook is not enabled on this instance (${key} is not set)`);
const unauthorized = (why: string) => new ApiError(401, 'unauthorized', why);
const stale = () => unauthorized(`The signature's timestamp is more than ${SIGNED_CALL_MAX_SKEW_MS / 60_000} minutes from this server's clock: a call is accepted only when fresh`);

/** What the ESP webhooks need: the store, the log, the secret, the bounce limits and each ESP's key. */
export interface WebhookRouteDeps {
  ctx: ContextPart<'db' | 'log' | 'secret', 'BOUNCE_HARD_LIMIT' | 'BOUNCE_SOFT_LIMIT' | 'MAILGUN_WEBHOOK_SIGNING_KEY' | 'POSTMARK_WEBHOOK_AUTH' | 'SENDGRID_KEY' | 'SES_TOPIC_ARNS'>;
  confirm: ConfirmSubscription;
}

/**
 * POST /webhooks/{ses,postmark,sendgrid,mailgun}: each ESP's bounces and complaints, verified the way that ESP
 * documents, recorded once (see bounces/record-event.ts). Forged or unsigned: 401 and nothing changes; a body that is
 * not what the ESP documents: 400. The answer is the same whoever the events are about. Never held back by the
 * per-IP limit: an ESP posts from few addresses, and a refused post is a bounce or complaint lost or delayed.
 */
export const webhookRoutes = ({ ctx, confirm }: WebhookRouteDeps): FastifyPluginAsync => async (app) => {
  // Bodies stay raw bytes here: SendGrid signs the bytes, SNS posts JSON as text/plain.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) => done(null, body));
  const route = { bodyLimit: WEBHOOK_BODY_LIMIT, config: { rateLimit: false } } as const;
  const policy = { secret: ctx.secret, limits: { hard: ctx.config.BOUNCE_HARD_LIMIT, soft: ctx.config.BOUNCE_SOFT_LIMIT } };

  /** Records a call's events in one transaction and answers 200, the same whatever they were about. A call that
   *  carries a one-time `token` is refused (401, nothing recorded) when that token was accepted before. */
  const accept = (source: string, events: MailEvent[], reply: FastifyReply, token?: string) => {
    const now = new Date();
    const outcomes = ctx.db.transaction(() => {
      if (token !== undefined && !spendToken(ctx.db, source, token, now, new Date(now.getTime() - 2 * SIGNED_CALL_MAX_SKEW_MS))) {
        throw unauthorized('This signature was used before: each signed call is accepted once');
      }
      return events.map((e) => recordEvent(ctx.db, e, policy));
    })();
    const recorded = outcomes.filter((o) => o === 'recorded').length;
    if (events.length) ctx.log.info({ source, events: events.length, recorded, repeats: events.length - recorded }, 'webhook events');
    return reply.send({ status: 'ok' });
  };

  app.post('/webhooks/ses', { ...route, schema: { summary: 'Amazon SES bounces and complaints through an SNS subscription', tags: ['webhooks'] } }, async (req, reply) => {
    const topics = ctx.config.SES_TOPIC_ARNS;
    if (!topics.length) throw off('SES_TOPIC_ARNS');
    const body = parsed(req.body);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid(new PayloadError('expected an SNS message (a JSON object)'));
    // The topic before the signature: a message of another topic never makes us fetch a certificate.
    const claimed = (body as Record<string, unknown>).TopicArn;
    if (typeof claimed !== 'string' || !topics.includes(claimed)) throw unauthorized('Messages of this SNS topic are not accepted here (SES_TOPIC_ARNS)');
    const msg = await verifySns(body as Record<string, unknown>).catch((err: unknown) => {
      // Every way a message fails its check is a 401; only a certificate SNS could not serve now is a 503 (SNS retries).
      if (err instanceof SnsRefused && err.status === 503) {
        ctx.log.error({ why: err.message }, 'SNS message not verified: certificate unavailable; SNS will retry');
        throw new ApiError(503, 'unavailable', 'The message could not be verified now; try again later');
      }
      throw unauthorized(`Not a message signed by Amazon SNS: ${err instanceof SnsRefused ? err.message : 'it cannot be checked'}`);
    });
    if (msg.Type === 'SubscriptionConfirmation') {
      if (!isSnsUrl(msg.SubscribeURL)) throw invalid(new PayloadError('SubscribeURL: not an https URL on an SNS host'));
      await confirm(msg.SubscribeURL).catch((err: Error) => {
        ctx.log.error({ topic: msg.TopicArn, why: err.message }, 'SNS subscription could not be confirmed; SNS will send the confirmation again');
        throw new ApiError(503, 'unavailable', 'The subscription could not be confirmed now; try again later');
      });
      ctx.log.info({ topic: msg.TopicArn }, 'SNS subscription confirmed: SES bounces and complaints of this topic are accepted');
      return reply.send({ status: 'ok' });
    }
    if (msg.Type === 'UnsubscribeConfirmation') {
      ctx.log.warn({ topic: msg.TopicArn }, 'SNS says this endpoint was unsubscribed from the topic: SES bounces and complaints no longer arrive');
      return reply.send({ status: 'ok' });
    }
    if (msg.Type !== 'Notification') throw invalid(new PayloadError(`Type: unknown SNS message type ${JSON.stringify(msg.Type).slice(0, 40)}`));
    return accept('ses', events(() => sesEvents(json(msg.Message))), reply);
  });

  app.post('/webhooks/postmark', { ...route, schema: { summary: 'Postmark bounce and spam complaint webhooks (HTTP basic auth)', tags: ['webhooks'] } }, async (req, reply) => {
    const auth = ctx.config.POSTMARK_WEBHOOK_AUTH;
    if (!auth) throw off('POSTMARK_WEBHOOK_AUTH');
    if (!postmarkAuthorized(req.headers.authorization, auth)) {
      void reply.header('www-authenticate', 'Basic realm="paperboy webhooks"');
      throw unauthorized('Send the user and password of POSTMARK_WEBHOOK_AUTH (https://user:password@… in the webhook URL)');
    }
    const body = parsed(req.body);
    return accept('postmark', events(() => postmarkEvents(body)), reply);
  });

  app.post('/webhooks/sendgrid', { ...route, schema: { summary: 'SendGrid signed event webhook', tags: ['webhooks'] } }, async (req, reply) => {
    const key = ctx.config.SENDGRID_KEY;
    if (!key) throw off('SENDGRID_WEBHOOK_PUBLIC_KEY');
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const timestamp = header(req.headers[TIMESTAMP_HEADER]);
    if (!sendgridSigned(key, raw, header(req.headers[SIGNATURE_HEADER]), timestamp)) {
      throw unauthorized('Not signed by SendGrid: the X-Twilio-Email-Event-Webhook-Signature does not match the verification key');
    }
    if (!freshTimestamp(timestamp, new Date())) throw stale();
    const body = parsed(raw);
    return accept('sendgrid', events(() => sendgridEvents(body)), reply);
  });

  app.post('/webhooks/mailgun', { ...route, schema: { summary: 'Mailgun webhooks (HMAC signature)', tags: ['webhooks'] } }, async (req, reply) => {
    const key = ctx.config.MAILGUN_WEBHOOK_SIGNING_KEY;
    if (!key) throw off('MAILGUN_WEBHOOK_SIGNING_KEY');
    const signed = mailgunSignature(parsed(req.body));
    if (!signed || !mailgunSigned(signed, key)) throw unauthorized('Not signed by Mailgun: the signature does not match the webhook signing key');
    if (!freshTimestamp(signed.signature.timestamp, new Date())) throw stale();
    // The signature covers the timestamp and token only, not the event: its token is accepted once.
    return accept('mailgun', events(() => mailgunEvents(signed)), reply, signed.signature.token);
  });
};

/** A request body as JSON; an empty or non-JSON body is a 400. */
function parsed(body: unknown): unknown {
  if (!Buffer.isBuffer(body) || body.length === 0) throw invalid(new PayloadError('the body is empty'));
  try {
    return json(body.toString('utf8'));
  } catch (err) {
    throw invalid(err as PayloadError);
  }
}

/** A payload's events; a body that is not what the ESP documents is a 400 naming what is wrong. */
function events(read: () => MailEvent[]): MailEvent[] {
  try {
    return read();
  } catch (err) {
    if (err instanceof PayloadError) throw invalid(err);
    throw err;
  }
}

const invalid = (err: PayloadError) => new ApiError(400, 'invalid_payload', `The body is not what this ESP sends: ${err.message}`);
const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
