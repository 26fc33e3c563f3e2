import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';

// VERP: a digest goes out with its own envelope sender, `<local>+<token>@<domain>` built from BOUNCE_ADDRESS, so a
// bounce (sent back to the envelope sender) names its digest and subscriber by the address it was sent to, whatever
// else the bounce says. The token is one AES block under a key derived from the secret: 6 zero bytes (what a forged
// token fails), the subscriber id (4 bytes) and the digest id (6 bytes); in hex, which survives mail servers that
// change the case of an address. Recipients see it in Return-Path; it shows no sequential id.

/** Who a bounce address stands for. */
export interface BounceSubject {
  subscriberId: number;
  digestId: number;
}

const keys = new Map<string, Buffer>();

function key(secret: string): Buffer {
  let k = keys.get(secret);
  if (!k) keys.set(secret, (k = createHmac('sha256', secret).update('paperboy bounce addresses').digest().subarray(0, 16)));
  return k;
}

/** The envelope sender of one digest: BOUNCE_ADDRESS with `+<token>` after its local part. */
export function bounceAddress(secret: string, base: string, s: BounceSubject): string {
  const block = Buffer.alloc(16);
  block.writeUInt32BE(s.subscriberId, 6);
  block.writeUIntBE(s.digestId, 10, 6);
  const token = createCipheriv('aes-128-ecb', key(secret), null).setAutoPadding(false).update(block).toString('hex');
  const at = base.lastIndexOf('@');
  return `${base.slice(0, at)}+${token}@${base.slice(at + 1)}`;
}

/** The subscriber and digest an address made by bounceAddress for this base stands for; null for any other address. */
export function readBounceAddress(secret: string, base: string, address: string): BounceSubject | null {
  const at = base.lastIndexOf('@');
  const local = base.slice(0, at).toLowerCase();
  const a = address.trim().replace(/^<|>$/g, '').toLowerCase();
  const m = /^(.+)\+([0-9a-f]{32})@(.+)$/.exec(a);
  if (!m || m[1] !== local || m[3] !== base.slice(at + 1).toLowerCase()) return null;
  const block = createDecipheriv('aes-128-ecb', key(secret), null).setAutoPadding(false).update(Buffer.from(m[2], 'hex'));
  if (block.readUIntBE(0, 6) !== 0) return null;
  const subscriberId = block.readUInt32BE(6);
  return subscriberId > 0 ? { subscriberId, digestId: block.readUIntBE(10, 6) } : null;
}
