// Postmark's bounce and spam complaint webhooks. Postmark signs nothing: it documents HTTP basic auth in the
// webhook URL (https://user:password@…), checked here against POSTMARK_WEBHOOK_AUTH.
import { z } from 'zod';
import type { MailEvent } from '../record-event.js';
import { address, payload, sameText } from './payload.js';

/** True when the Authorization header carries POSTMARK_WEBHOOK_AUTH's `user:password` (constant-time). */
export function postmarkAuthorized(header: string | undefined, auth: string): boolean {
  const m = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  return m !== null && sameText(Buffer.from(m[1], 'base64').toString('utf8'), auth);
}

/** Bounce types that mean the address is bad, and those that mean it could not take the mail now. */
const HARD = new Set(['HardBounce', 'BadEmailAddress']);
const SOFT = new Set(['SoftBounce', 'Transient', 'DnsError', 'Blocked']);

const record = z.looseObject({
  RecordType: z.string(),
  ID: z.union([z.number(), z.string()]),
  Type: z.string().optional(),
  MessageID: z.string().max(200).optional(),
  Email: address,
  Details: z.string().max(5000).optional(),
  Description: z.string().max(5000).optional(),
  BouncedAt: z.string().optional(),
});

/** The event of one Postmark webhook call: a Bounce or SpamComplaint record (other bounce types, such as AutoResponder,
 *  and other records, such as Delivery or Open, need nothing). */
export function postmarkEvents(body: unknown): MailEvent[] {
  const { RecordType } = payload(z.looseObject({ RecordType: z.string() }), body);
  if (RecordType !== 'Bounce' && RecordType !== 'SpamComplaint') return [];
  const r = payload(record, body);
  const type = r.Type ?? r.RecordType;
  const kind = type === 'SpamComplaint' ? 'complaint' : HARD.has(type) ? 'hard' : SOFT.has(type) ? 'soft' : null;
  if (!kind) return [];
  return [{
    source: 'postmark', key: `${r.RecordType}:${r.ID}:${r.MessageID ?? ''}`, kind, about: { email: r.Email, messageId: null },
    status: null, detail: r.Details || r.Description || type, at: r.BouncedAt ? new Date(r.BouncedAt) : null,
  }];
}
