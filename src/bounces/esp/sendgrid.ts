// SendGrid's signed event webhook: an ECDSA (P-256, SHA-256) signature over the timestamp header followed by
// the raw body, checked with the verification key SendGrid shows (SENDGRID_WEBHOOK_PUBLIC_KEY) by Node's crypto.
import { verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { MailEvent } from '../record-event.js';
import { address, bounceKind, fromSeconds, payload } from './payload.js';

/** The headers SendGrid signs a call with: the signature (base64 DER) and the timestamp it covers. */
export const SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
/** See SIGNATURE_HEADER. */
export const TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

/** True when `signature` (base64 DER) signs `timestamp` + the raw body under `key`. */
export function sendgridSigned(key: KeyObject, raw: Buffer, signature: string | undefined, timestamp: string | undefined): boolean {
  if (!signature || !timestamp) return false;
  try {
    return verify('sha256', Buffer.concat([Buffer.from(timestamp, 'utf8'), raw]), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

const event = z.looseObject({
  event: z.string(),
  email: address,
  sg_event_id: z.string().min(1).max(200),
  timestamp: z.number().optional(),
  'smtp-id': z.string().max(500).optional(),
  type: z.string().optional(),
  status: z.string().max(20).optional(),
  reason: z.string().max(5000).optional(),
});

/** The events of one SendGrid batch. Bounces (a `blocked` one, or a 4.x.x status, is soft), spam reports, and drops
 *  of an address SendGrid already knows bounced or complained; the rest (delivered, deferred, open…) need nothing. */
export function sendgridEvents(body: unknown): MailEvent[] {
  return payload(z.array(event).max(10_000), body).flatMap((e): MailEvent[] => {
    const kind = e.event === 'bounce' ? (e.type === 'blocked' ? 'soft' : bounceKind(e.status))
      : e.event === 'spamreport' ? 'complaint'
        : e.event === 'dropped' && e.reason === 'Bounced Address' ? 'hard'
          : e.event === 'dropped' && e.reason === 'Spam Reporting Address' ? 'complaint' : null;
    if (!kind) return [];
    return [{
      source: 'sendgrid', key: e.sg_event_id, kind, about: { email: e.email, messageId: e['smtp-id'] ?? null },
      status: e.status ?? null, detail: e.reason ?? e.event, at: fromSeconds(e.timestamp),
    }];
  });
}
