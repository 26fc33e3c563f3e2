// The wire form of a mail, built in one pass: headers, a quoted-printable text part and a base64
// HTML part. Nodemailer then only streams the bytes (its composer's stream chain cost ~1.5 ms a mail).
import { randomBytes } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';
import * as mimeFuncs from 'nodemailer/lib/mime-funcs';
import * as qp from 'nodemailer/lib/qp';
import type { OutgoingMail } from './transport.js';

const PLAIN_ADDRESS = /^[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+$/;
const parsedMailboxes = new Map<string, { name?: string; address?: string }>();

/** Parses `Name <address>` once per distinct value (the From is the same on every mail). */
function parseMailbox(value: string): { name?: string; address?: string } {
  if (PLAIN_ADDRESS.test(value)) return { address: value };
  let p = parsedMailboxes.get(value);
  if (!p) {
    p = (addressparser(value, { flatten: true }) as { name?: string; address?: string }[])[0] ?? {};
    if (parsedMailboxes.size < 100) parsedMailboxes.set(value, p);
  }
  return p;
}

/** The bare address of a From/To value such as `Paperboy <digest@example.org>`. */
export function bareAddress(value: string): string {
  const address = parseMailbox(value).address;
  if (!address) throw new Error(`not an email address: ${value}`);
  return address;
}

/** A header value: RFC 2047-encoded when it is not plain ASCII, folded at 76 characters. */
function header(name: string, value: string): string {
  const v = mimeFuncs.isPlainText(value) ? value : mimeFuncs.encodeWords(value, 'Q', 52);
  return mimeFuncs.foldLines(`${name}: ${v}`, 76);
}

/** `Name <address>` with the display name encoded or quoted as it needs. */
function mailbox(value: string): string {
  const p = parseMailbox(value);
  if (!p.address) throw new Error(`not an email address: ${value}`);
  if (!p.name) return p.address;
  const name = mimeFuncs.isPlainText(p.name) ? (/^[\w ]+$/.test(p.name) ? p.name : JSON.stringify(p.name)) : mimeFuncs.encodeWord(p.name, 'Q', 52);
  return `${name} <${p.address}>`;
}

/** Base64 in 76-character lines. */
function base64Lines(text: string): string {
  const b64 = Buffer.from(text, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join('\r\n');
}

/** RFC 5322 date, e.g. `Sun, 29 Nov 2026 09:00:00 +0000`. */
function rfc5322Date(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

/** The complete message (CRLF line ends, ASCII only: every part is encoded) as an SMTP server receives it. */
export function buildMime(mail: OutgoingMail, date = new Date()): string {
  const boundary = `--_paperboy_${randomBytes(12).toString('hex')}`;
  const head = [
    ...Object.entries(mail.headers ?? {}).map(([k, v]) => header(k, v)),
    mimeFuncs.foldLines(`From: ${mailbox(mail.from)}`, 76),
    mimeFuncs.foldLines(`To: ${mailbox(mail.to)}`, 76),
    header('Subject', mail.subject),
    `Message-ID: ${mail.messageId}`,
    `Date: ${rfc5322Date(date)}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  return [
    head.join('\r\n'), '',
    `--${boundary}`, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable', '',
    qp.wrap(qp.encode(mail.text.replace(/\r?\n/g, '\r\n')), 76),
    `--${boundary}`, 'Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: base64', '',
    base64Lines(mail.html),
    `--${boundary}--`, '',
  ].join('\r\n');
}
