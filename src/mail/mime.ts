// The wire form of a mail, built in one pass: headers, a quoted-printable text part and a base64
// HTML part. Nodemailer then only streams the bytes (its composer's stream chain cost ~1.5 ms a mail).
import { randomBytes } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';
import * as mimeFuncs from 'nodemailer/lib/mime-funcs';
import * as qp from 'nodemailer/lib/qp';
import type { OutgoingMail } from './message.js';

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

/** Input bytes per base64 pass: 1,000 lines, so no intermediate string reaches V8's large-object space (> 128 KB). */
const BASE64_CHUNK = 57 * 1000;

/** Base64 of `text` in 76-character lines, as bytes. */
function base64Lines(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const length = 4 * Math.ceil(bytes.length / 3);
  const out = Buffer.allocUnsafe(length + 2 * Math.max(0, Math.ceil(length / 76) - 1));
  let o = 0;
  for (let i = 0; i < bytes.length; i += BASE64_CHUNK) {
    const b64 = Buffer.from(bytes.subarray(i, i + BASE64_CHUNK).toString('base64'), 'latin1');
    for (let k = 0; k < b64.length; k += 76) {
      if (o) { out[o++] = 13; out[o++] = 10; }
      o += b64.copy(out, o, k, k + 76);
    }
  }
  return out;
}

// A boundary must appear nowhere in the parts: a random 96-bit prefix per process (as unguessable as a fresh
// draw per mail) and a counter keep every one unique, without a random draw per mail.
const BOUNDARY_PREFIX = randomBytes(12).toString('hex');
let boundaries = 0;

/** RFC 5322 date, e.g. `Sun, 29 Nov 2026 09:00:00 +0000`. */
function rfc5322Date(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

/**
 * The complete message (CRLF line ends) as an SMTP server receives it. Built from parts into one
 * buffer: a single string of the whole mail would land in V8's large-object space, which only a full
 * collection frees, and RSS would grow with the length of a run.
 */
export function buildMime(mail: OutgoingMail, date = new Date()): Buffer {
  const boundary = `--_paperboy_${BOUNDARY_PREFIX}_${(boundaries++).toString(36)}`;
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
  const text = [
    head.join('\r\n'), '',
    `--${boundary}`, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable', '',
    qp.wrap(qp.encode(mail.text.replace(/\r?\n/g, '\r\n')), 76),
    `--${boundary}`, 'Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: base64', '', '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(text, 'utf8'), base64Lines(mail.html), Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')]);
}
