import { createHash, createVerify, type KeyObject } from 'node:crypto';

/** A parsed DKIM-Signature: its tags, and the raw header as received. */
export interface DkimSignature {
  tags: Record<string, string>;
  raw: string;
}

const splitHead = (raw: string) => {
  const at = raw.indexOf('\r\n\r\n');
  return { head: raw.slice(0, at + 2), body: raw.slice(at + 4) };
};

/** The header fields of a message, folded lines kept, in order. */
export function headerFields(raw: string): string[] {
  return splitHead(raw).head.split(/\r\n(?![ \t])/).filter(Boolean);
}

/** RFC 6376 §3.4.2 relaxed header canonicalisation of one field. */
export function relaxedHeader(field: string): string {
  const colon = field.indexOf(':');
  const name = field.slice(0, colon).trim().toLowerCase();
  const value = field.slice(colon + 1).replace(/\r\n/g, '').replace(/[ \t]+/g, ' ').trim();
  return `${name}:${value}`;
}

/** RFC 6376 §3.4.4 relaxed body canonicalisation. */
export function relaxedBody(body: string): string {
  const lines = body.split('\r\n').map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.length ? `${lines.join('\r\n')}\r\n` : '';
}

/** Finds the DKIM-Signature field of a raw message. */
export function dkimSignature(raw: string): DkimSignature {
  const field = headerFields(raw).find((f) => /^dkim-signature:/i.test(f));
  if (!field) throw new Error('no DKIM-Signature header');
  const tags = Object.fromEntries(field.slice(field.indexOf(':') + 1).replace(/\s+/g, '').split(';').filter(Boolean)
    .map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)]));
  return { tags, raw: field };
}

/** Verifies a relaxed/relaxed rsa-sha256 DKIM signature against a public key: body hash, then the header signature. */
export function verifyDkim(raw: string, publicKey: KeyObject): { bodyHashOk: boolean; signatureOk: boolean; signed: string[] } {
  const sig = dkimSignature(raw);
  if (sig.tags.a !== 'rsa-sha256' || sig.tags.c !== 'relaxed/relaxed') throw new Error(`unsupported a=${sig.tags.a} c=${sig.tags.c}`);
  const bh = createHash('sha256').update(relaxedBody(splitHead(raw).body)).digest('base64');
  const signed = sig.tags.h.split(':');
  // Each listed name takes the last not-yet-used field of that name (RFC 6376 §5.4.2).
  const pool = headerFields(raw).filter((f) => f !== sig.raw);
  const input = signed.map((name) => {
    const i = pool.map((f) => f.slice(0, f.indexOf(':')).trim().toLowerCase()).lastIndexOf(name.toLowerCase());
    return i < 0 ? null : relaxedHeader(pool.splice(i, 1)[0]);
  }).filter((x): x is string => x !== null).map((h) => `${h}\r\n`).join('') +
    relaxedHeader(sig.raw.replace(/(\bb=)[^;]*/, '$1'));
  const signatureOk = createVerify('RSA-SHA256').update(input).verify(publicKey, sig.tags.b, 'base64');
  return { bodyHashOk: bh === sig.tags.bh, signatureOk, signed };
}
