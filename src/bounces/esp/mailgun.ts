// Mailgun's webhooks: the body carries `signature: {timestamp, token, signature}`, the signature being the
// hex HMAC-SHA256 of timestamp + token under the webhook signing key (MAILGUN_WEBHOOK_SIGNING_KEY).
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { MailEvent } from '../record-event.js';
import { address, bounceKind, fromSeconds, payload, sameText } from './payload.js';

const body = z.looseObject({
  signature: z.object({ timestamp: z.string().min(1).max(20), token: z.string().min(1).max(200), signature: z.string().regex(/^[0-9a-f]{64}$/i) }),
  'event-data': z.looseObject({ event: z.string(), id: z.string().min(1).max(200) }),
});

/** The body's shape, checked before its signature (a body without one is unsigned: 401). */
export type MailgunBody = z.infer<typeof body>;

/** The signed parts of a body, or null when it has none. */
export function mailgunSignature(value: unknown): MailgunBody | null {
  const r = body.safeParse(value);
  return r.success ? r.data : null;
}

/** True when the body's signature is the HMAC of its timestamp and token under `key`. */
export function mailgunSigned(b: MailgunBody, key: string): boolean {
  const want = createHmac('sha256', key).update(b.signature.timestamp + b.signature.token).digest('hex');
  return sameText(want, b.signature.signature.toLowerCase());
}

const eventData = z.looseObject({
  event: z.string(),
  id: z.string(),
  recipient: address,
  severity: z.string().optional(),
  reason: z.string().optional(),
  timestamp: z.number().optional(),
  'delivery-status': z.looseObject({
    code: z.union([z.number(), z.string()]).optional(), 'enhanced-code': z.string().max(20).optional(), description: z.string().max(5000).optional(), message: z.string().max(5000).optional() }).optional(),
  message: z.looseObject({ headers: z.looseObject({ 'message-id': z.string().max(500).optional() }).optional() }).optional(),
});

/** The event of one Mailgun call: a permanent failure (soft when it ended on a 4xx), or a complaint; a temporary
 *  failure (Mailgun retries), an unsubscribe-list drop and the other events need nothing. */
export function mailgunEvents(b: MailgunBody): MailEvent[] {
  const e = payload(eventData, b['event-data']);
  const status = e['delivery-status'];
  const kind = e.event === 'complained' ? 'complaint'
    : e.event !== 'failed' || e.severity !== 'permanent' || e.reason === 'suppress-unsubscribe' ? null
      : e.reason === 'suppress-complaint' ? 'complaint' : bounceKind(status?.code);
  if (!kind) return [];
  return [{
    source: 'mailgun', key: e.id, kind, about: { email: e.recipient, messageId: e.message?.headers?.['message-id'] ?? null },
    status: status?.['enhanced-code'] ?? null, detail: status?.description || status?.message || e.reason || e.event,
    at: fromSeconds(e.timestamp),
  }];
}
