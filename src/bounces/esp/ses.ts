// Amazon SES notifications through an SNS topic's HTTPS subscription: the SNS message's signature is checked as
// Amazon documents ("Verifying the signatures of Amazon SNS messages") with Node's crypto, against a certificate
// fetched only from an https URL on an sns.<region>.amazonaws.com host and kept in a bounded cache; its topic must be
// one of SES_TOPIC_ARNS (the route checks it first); the SES notification it carries becomes events.
import { createVerify } from 'node:crypto';
import https from 'node:https';
import { z } from 'zod';
import type { MailEvent } from '../record-event.js';
import { address, payload, PayloadError } from './payload.js';

/** Where SNS signing certificates and subscription URLs live. */
export const SNS_HOST = /^sns\.[a-z0-9-]{3,40}\.amazonaws\.com(\.cn)?$/;

/** An SNS message whose signature checked out. */
export interface SnsMessage {
  Type: string;
  TopicArn: string;
  MessageId: string;
  Message: string;
  SubscribeURL?: string;
}

/** Why an SNS message was refused: not signed by SNS (401), or the certificate could not be fetched now (503: SNS retries). */
export class SnsRefused extends Error {
  constructor(message: string, readonly status: 401 | 503) {
    super(message);
  }
}

/** The fields SNS signs, in the order it signs them, by message type (Subject only when present). */
const SIGNED_FIELDS: Record<string, string[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

/** Certificates by URL: SNS signs with one per region, so a few are enough; a new one evicts the oldest. */
const CERT_CACHE_MAX = 16;
const certificates = new Map<string, string>();
/** A certificate is a few KB; a download past this, or slower than this, is not one. */
const CERT_MAX_BYTES = 64 * 1024;
const CERT_TIMEOUT_MS = 10_000;

/** The signing certificate URL of a message in its one spelling (lower-case host), or null unless it is an https
 *  URL on an SNS host, without port, credentials, query or fragment, naming a .pem file. */
export function snsCertUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 300) return null;
  try {
    const u = new URL(value);
    const plain = u.protocol === 'https:' && u.port === '' && !u.username && !u.password && !u.search && !u.hash;
    return plain && SNS_HOST.test(u.hostname) && /^\/[A-Za-z0-9._-]{1,120}\.pem$/.test(u.pathname) ? u.href : null;
  } catch {
    return null;
  }
}

/** Downloads a certificate (its URL checked by snsCertUrl), or takes it from the cache. A download that fails (no
 *  answer, a 5xx) is a 503, for SNS to retry; a certificate SNS's host does not have (404, 403) is a 401. */
function certificate(url: string): Promise<string> {
  const cached = certificates.get(url);
  if (cached) return Promise.resolve(cached);
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err: SnsRefused | null, pem?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        req.destroy?.();
        return reject(err);
      }
      if (certificates.size >= CERT_CACHE_MAX) certificates.delete(certificates.keys().next().value!);
      certificates.set(url, pem!);
      resolve(pem!);
    };
    const unavailable = (why: string) => new SnsRefused(`the SNS signing certificate could not be fetched: ${why}`, 503);
    const chunks: Buffer[] = [];
    let size = 0;
    const req = https.get(url, (res) => {
      if (res.statusCode !== 200) {
        res.resume?.();
        const missing = res.statusCode === 404 || res.statusCode === 403;
        return done(missing ? new SnsRefused(`SNS has no certificate at its SigningCertURL (HTTP ${res.statusCode})`, 401) : unavailable(`HTTP ${res.statusCode}`));
      }
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > CERT_MAX_BYTES) done(new SnsRefused('its SigningCertURL does not serve a certificate', 401));
        else chunks.push(Buffer.from(c));
      });
      res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
      res.on('error', (err: Error) => done(unavailable(err.message)));
    });
    const timer = setTimeout(() => done(unavailable('no answer in time')), CERT_TIMEOUT_MS);
    req.on('error', (err: Error) => done(unavailable(err.message)));
  });
}

/** Checks an SNS message's signature against SNS's certificate; resolves with the message or rejects with SnsRefused. */
export async function verifySns(body: Record<string, unknown>): Promise<SnsMessage> {
  const fields = SIGNED_FIELDS[String(body.Type)];
  if (!fields) throw new SnsRefused('not an SNS message type', 401);
  for (const k of ['Message', 'MessageId', 'Timestamp', 'TopicArn', 'Signature', 'SignatureVersion', 'SigningCertURL', ...(body.Type === 'Notification' ? [] : ['SubscribeURL', 'Token'])]) {
    if (typeof body[k] !== 'string') throw new SnsRefused(`${k} is missing`, 401);
  }
  const version = body.SignatureVersion;
  if (version !== '1' && version !== '2') throw new SnsRefused(`SignatureVersion ${String(version).slice(0, 10)} is not one SNS uses`, 401);
  const url = snsCertUrl(body.SigningCertURL);
  if (!url) throw new SnsRefused('its SigningCertURL is not a certificate on an SNS host', 401);
  const pem = await certificate(url);
  const verifier = createVerify(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  for (const k of fields) if (typeof body[k] === 'string') verifier.update(`${k}\n${body[k] as string}\n`, 'utf8');
  let valid = false;
  try {
    valid = verifier.verify(pem, body.Signature as string, 'base64');
  } catch {
    valid = false; // not a certificate, or a signature that is not base64
  }
  if (!valid) throw new SnsRefused('the message signature is invalid', 401);
  return body as unknown as SnsMessage;
}

/** How many certificates are cached (the bound is CERT_CACHE_MAX). */
export function cachedCertificates(): number {
  return certificates.size;
}

/** True for an https URL on an SNS host: the only place a SubscribeURL may send us. */
export function isSnsUrl(url: string | undefined): url is string {
  try {
    const u = new URL(url ?? '');
    return u.protocol === 'https:' && SNS_HOST.test(u.hostname) && u.port === '';
  } catch {
    return false;
  }
}

const recipients = z.array(z.looseObject({ emailAddress: address, status: z.string().max(20).optional(), diagnosticCode: z.string().max(2000).optional() })).min(1);

/** What Paperboy reads of an SES notification (SES adds fields over time: the others are let through). */
const notification = z.looseObject({
  notificationType: z.string().optional(),
  eventType: z.string().optional(),
  mail: z.looseObject({ commonHeaders: z.looseObject({ messageId: z.string().optional() }).optional() }),
  bounce: z.looseObject({
    bounceType: z.string(), bounceSubType: z.string().optional(), feedbackId: z.string().min(1).max(200),
    timestamp: z.string().optional(), bouncedRecipients: recipients,
  }).optional(),
  complaint: z.looseObject({
    feedbackId: z.string().min(1).max(200), timestamp: z.string().optional(), complaintFeedbackType: z.string().optional(),
    complainedRecipients: z.array(z.looseObject({ emailAddress: address })).min(1),
  }).optional(),
});

/** The events of one SES notification (the SNS message's `Message`): a bounce per recipient, or a complaint per recipient. */
export function sesEvents(message: unknown): MailEvent[] {
  const n = payload(notification, message);
  const type = n.notificationType ?? n.eventType;
  const messageId = n.mail.commonHeaders?.messageId ?? null;
  if (type === 'Bounce') {
    const b = n.bounce ?? missing('bounce');
    // Permanent: the address is bad; Transient (SES gave up retrying) and Undetermined count as soft.
    const kind = b.bounceType === 'Permanent' ? 'hard' : 'soft';
    return b.bouncedRecipients.map((r) => ({
      source: 'ses', key: `${b.feedbackId}:${r.emailAddress.toLowerCase()}`, kind, about: { email: r.emailAddress, messageId },
      status: r.status ?? null, detail: r.diagnosticCode ?? `${b.bounceType} ${b.bounceSubType ?? ''}`.trim(), at: date(b.timestamp),
    }));
  }
  if (type === 'Complaint') {
    const c = n.complaint ?? missing('complaint');
    if (c.complaintFeedbackType === 'not-spam') return [];
    return c.complainedRecipients.map((r) => ({
      source: 'ses', key: `${c.feedbackId}:${r.emailAddress.toLowerCase()}`, kind: 'complaint', about: { email: r.emailAddress, messageId },
      status: null, detail: c.complaintFeedbackType ?? 'complaint', at: date(c.timestamp),
    }));
  }
  // Delivery, Send, Open… : nothing to act on.
  return [];
}

function missing(field: string): never {
  throw new PayloadError(`${field}: required for this notification type`);
}

const date = (s: string | undefined) => (s ? new Date(s) : null);
