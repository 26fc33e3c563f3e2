// Amazon SES notifications through an SNS topic's HTTPS subscription: the SNS message's signature is checked
// with sns-validator (the signing certificate is fetched only from an sns.<region>.amazonaws.com URL), its topic
// must be one of SES_TOPIC_ARNS, and the SES notification it carries becomes events.
import MessageValidator from 'sns-validator';
import { z } from 'zod';
import type { MailEvent } from '../record.js';
import { address, payload, PayloadError } from './payload.js';

/** Where SNS signing certificates and subscription URLs live (sns-validator's own default pattern). */
export const SNS_HOST = /^sns\.[a-zA-Z0-9-]{3,}\.amazonaws\.com(\.cn)?$/;

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

const validator = new MessageValidator(SNS_HOST);

/** Checks an SNS message's signature against SNS's certificate; resolves with the message or rejects with SnsRefused. */
export function verifySns(body: Record<string, unknown>): Promise<SnsMessage> {
  return new Promise((resolve, reject) => {
    validator.validate(body, (err, message) => {
      if (!err) return resolve(message as unknown as SnsMessage);
      // sns-validator reports a certificate it could not download with this sentence, or the socket's own error.
      const fetchFailed = err.message === 'Certificate could not be retrieved' || 'code' in err;
      reject(new SnsRefused(fetchFailed ? `the SNS signing certificate could not be fetched: ${err.message}` : err.message, fetchFailed ? 503 : 401));
    });
  });
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
