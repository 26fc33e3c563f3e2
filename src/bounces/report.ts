// What a mail in the bounce mailbox is: a delivery status notification (RFC 3464), an abuse report (ARF, RFC 5965),
// or something else (an out-of-office reply, spam). Parsing only: what a report does is decided in record-event.ts.
import { createHash } from 'node:crypto';
import { simpleParser, type Attachment, type ParsedMail } from 'mailparser';

/** A report Paperboy acts on: a failed delivery (hard: 5.x.x, soft: 4.x.x after the server gave up) or a complaint. */
export interface ActionableReport {
  type: 'bounce' | 'complaint';
  kind: 'hard' | 'soft' | 'complaint';
  /** The report's own id (its Message-ID): the same report read twice is recorded once. */
  id: string;
  /** Enhanced status code (5.1.1) of a bounce; null for a complaint. */
  status: string | null;
  /** The diagnostic (`smtp; 550 5.1.1 … user unknown`) or the complaint's feedback type. */
  detail: string;
  /** Addresses in the report that may carry our bounce token: where it was sent, and the envelope sender it reports. */
  addresses: string[];
  at: Date | null;
}

/** What one mail of the bounce mailbox is. `ignored`: a report that needs nothing (a delay warning, a success notice). */
export type Report = ActionableReport | { type: 'ignored'; why: string } | { type: 'unknown'; why: string } | { type: 'malformed'; why: string };

/** Header-style fields of a report part: one map per block (blocks are separated by blank lines), names lower-cased. */
export function fieldBlocks(text: string): Map<string, string>[] {
  return text.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/).map((block) => {
    const fields = new Map<string, string>();
    // A line that starts with a blank continues the one before it.
    for (const line of block.replace(/\n[ \t]+/g, ' ').split('\n')) {
      const m = /^([\x21-\x39\x3b-\x7e]+)[ \t]*:[ \t]*(.*)$/.exec(line);
      if (m && !fields.has(m[1].toLowerCase())) fields.set(m[1].toLowerCase(), m[2].trim());
    }
    return fields;
  }).filter((f) => f.size > 0);
}

/** Longest address (RFC 5321: a 256-octet path) and the most of a field read for them. */
const ADDRESS_MAX = 320;
const FIELD_MAX = 2000;

/** Every address-looking word in a text (`rfc822; a@b`, `<a@b>`, `Name <a@b>`): words between separators with an
 *  `@` inside. Linear: the text is cut to FIELD_MAX and split once, where a pattern `[^sep]+@[^sep]+` tried every
 *  start of a long word again (46 s of CPU for one 200,000-letter field). */
function addressesIn(text: string): string[] {
  return text.slice(0, FIELD_MAX).split(/[\s<>;:,"()]+/).filter((w) => w.length <= ADDRESS_MAX && /.@./.test(w));
}

/** Reads a raw mail of the bounce mailbox. Never throws: a mail that cannot be parsed is `malformed`. */
export async function readReport(raw: Buffer): Promise<Report> {
  let mail: ParsedMail;
  try {
    // keepDeliveryStatus: the delivery-status part stays an attachment instead of being run into the text.
    mail = await simpleParser(raw, { keepDeliveryStatus: true, skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true });
  } catch (err) {
    return { type: 'malformed', why: `not a readable mail: ${(err as Error).message}` };
  }
  const id = mail.messageId ?? `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  return classify(mail, id);
}

const part = (mail: ParsedMail, ...types: string[]) => mail.attachments.find((a) => types.includes(a.contentType.toLowerCase()));

/** Tells a DSN, an ARF report and anything else apart, by the report type and the parts it holds. */
export function classify(mail: ParsedMail, id: string): Report {
  const type = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const reportType = type?.value?.toLowerCase() === 'multipart/report' ? (type.params?.['report-type'] ?? '').toLowerCase() : '';
  const dsn = part(mail, 'message/delivery-status', 'message/global-delivery-status');
  const arf = part(mail, 'message/feedback-report');
  if (reportType === 'delivery-status' || (!reportType && dsn)) return dsn ? deliveryReport(mail, dsn, id) : missing('delivery-status');
  if (reportType === 'feedback-report' || (!reportType && arf)) return arf ? abuseReport(mail, arf, id) : missing('feedback-report');
  if (reportType) return { type: 'unknown', why: `a report of type ${reportType}` };
  return { type: 'unknown', why: 'not a delivery status notification or an abuse report' };
}

const missing = (what: string): Report => ({ type: 'malformed', why: `a ${what} report without its message/${what} part` });

/** Where a report may carry our bounce address: where it was delivered, and the header part of the mail it returns. */
function carriers(mail: ParsedMail, ...more: (string | undefined)[]): string[] {
  const headers = mail.headerLines.filter((h) => ['to', 'delivered-to', 'x-original-to', 'envelope-to'].includes(h.key)).map((h) => h.line);
  const original = part(mail, 'message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers');
  const returnPath = original ? fieldBlocks(original.content.toString('utf8'))[0]?.get('return-path') : undefined;
  return [...more, returnPath, ...headers].flatMap((t) => (t ? addressesIn(t) : []));
}

const STATUS = /^([245])\.\d{1,3}\.\d{1,3}\b/;

/** An RFC 3464 report: the worst failed recipient decides (a 5.x.x hard, a 4.x.x soft); delays and successes need nothing. */
function deliveryReport(mail: ParsedMail, dsn: Attachment, id: string): Report {
  const [perMessage, ...rest] = fieldBlocks(dsn.content.toString('utf8'));
  const recipients = rest.filter((f) => f.has('action') || f.has('final-recipient') || f.has('status'));
  if (!perMessage || recipients.length === 0) return { type: 'malformed', why: 'a delivery-status part with no recipient fields' };
  const bad = recipients.find((r) => !r.get('action') || !STATUS.test(r.get('status') ?? ''));
  if (bad) return { type: 'malformed', why: `a recipient without a valid Action and Status (${bad.get('action') ?? 'no action'}, ${bad.get('status') ?? 'no status'})` };
  const failed = recipients.filter((r) => r.get('action')!.toLowerCase() === 'failed')
    .sort((a, b) => b.get('status')!.localeCompare(a.get('status')!));
  if (failed.length === 0) {
    const actions = [...new Set(recipients.map((r) => r.get('action')!.toLowerCase()))].join(', ');
    return { type: 'ignored', why: `no failed recipient (${actions})` };
  }
  const worst = failed[0];
  const status = STATUS.exec(worst.get('status')!)![0];
  if (status.startsWith('2')) return { type: 'malformed', why: `a failed recipient with success status ${status}` };
  return {
    type: 'bounce', kind: status.startsWith('5') ? 'hard' : 'soft', id, status,
    detail: worst.get('diagnostic-code') ?? `status ${status}`,
    addresses: carriers(mail, perMessage.get('x-postfix-sender')),
    at: mail.date ?? null,
  };
}

/** Feedback types that are a person's complaint; the others (virus, auth-failure, not-spam, other) need nothing. */
const COMPLAINTS = new Set(['abuse', 'fraud']);

/** An RFC 5965 report: abuse or fraud is a complaint. */
function abuseReport(mail: ParsedMail, arf: Attachment, id: string): Report {
  const fields = fieldBlocks(arf.content.toString('utf8'))[0];
  const feedbackType = fields?.get('feedback-type')?.toLowerCase();
  if (!fields || !feedbackType) return { type: 'malformed', why: 'a feedback report without Feedback-Type' };
  if (!COMPLAINTS.has(feedbackType)) return { type: 'ignored', why: `feedback type ${feedbackType}` };
  return {
    type: 'complaint', kind: 'complaint', id, status: null,
    detail: `${feedbackType}${fields.get('user-agent') ? ` (${fields.get('user-agent')})` : ''}`,
    addresses: carriers(mail, fields.get('original-mail-from')), at: mail.date ?? null,
  };
}
