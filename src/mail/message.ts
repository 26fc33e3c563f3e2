import { createHmac, randomBytes } from 'node:crypto';
import type { MailBody } from '../digest/render.js';

/** A mail ready to hand to a transport. */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  headers?: Record<string, string>;
  /** The envelope sender (SMTP MAIL FROM), where bounces go; unset: the From address. */
  envelopeFrom?: string;
  /** The finished message, when a digest thread built it already (then the fields above are not read again). */
  raw?: Uint8Array;
}

/** The host part used for Message-IDs and List-Id: PUBLIC_URL's host name. */
export function mailDomain(publicUrl: string): string {
  return new URL(publicUrl).hostname;
}

/** A new globally unique Message-ID on our domain, e.g. `<digest.12.2026-11-29.Ab3…@example.org>`. */
export function newMessageId(kind: string, domain: string): string {
  return `<${kind}.${randomBytes(9).toString('base64url')}@${domain}>`;
}

/** The one Message-ID of a sign-up request's mail, the same at every attempt (a resend after a crash or a 4xx is
 *  the same message, which mail clients show once): derived from the request's id under the secret, so it neither
 *  shows the id nor can be guessed. */
export function requestMessageId(kind: string, requestId: number, secret: string, domain: string): string {
  return `<${kind}.${createHmac('sha256', secret).update(`request mail:${requestId}`).digest('base64url').slice(0, 16)}@${domain}>`;
}

/** The List-Id header (RFC 2919): the instance's name as its phrase, quoted when it holds specials. One list for daily
 *  and weekly digests, so a subscriber's mail filter keeps working when they change how often. */
export function listId(instance: string, domain: string): string {
  const phrase = `${instance} digest`;
  return `${/^[\w !#$%&'*+/=?^`{|}~-]*$/.test(phrase) ? phrase : `"${phrase.replace(/["\\]/g, '\\$&')}"`} <digest.${domain}>`;
}

/** A digest mail with RFC 8058 one-click unsubscribe and RFC 2919 List-Id headers. */
export function digestMail(opts: {
  from: string; to: string; subject: string; body: MailBody; messageId: string; unsubscribeUrl: string; domain: string; instance?: string;
}): OutgoingMail {
  return {
    from: opts.from, to: opts.to, subject: opts.subject, html: opts.body.html, text: opts.body.text,
    messageId: opts.messageId,
    headers: {
      'List-Unsubscribe': `<${opts.unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': listId(opts.instance ?? 'Paperboy', opts.domain),
    },
  };
}
