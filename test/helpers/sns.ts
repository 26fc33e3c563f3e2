// Signs SNS messages as Amazon SNS does (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA over "key\nvalue\n" of the
// signed fields) with a test key, and serves its certificate where the webhook would download Amazon's: the one
// network call of the SES webhook is replaced, the real signature check runs.
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { PassThrough } from 'node:stream';
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

/** A signing certificate URL on Amazon's pattern; the tests' certificate is served for it. */
export const CERT_URL = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000000000test.pem';
/** Another URL on the pattern where SNS has no certificate (404). */
export const MISSING_CERT_URL = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000000missing.pem';
/** A URL on the pattern whose download fails (the connection is refused). */
export const UNREACHABLE_CERT_URL = 'https://sns.eu-west-3.amazonaws.com/SimpleNotificationService-00000000000000000000000000000down.pem';
/** More URLs on the pattern that serve the test certificate: `copyCertUrl(n)`. */
export const copyCertUrl = (n: number) => `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-${String(n).padStart(28, '0')}test.pem`;

const KEY = readFileSync('test/fixtures/webhooks/sns-signing.key', 'utf8');
const CERT = readFileSync('test/fixtures/webhooks/sns-signing.pem', 'utf8');

/** The fields SNS signs, in its order, for a notification and for (un)subscription confirmations. */
const SIGNED = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
} as const;

/** A signed SNS message of `fields` (Type, TopicArn, Message, …) with the test key. */
export function snsMessage(fields: Record<string, string>, opts: { version?: '1' | '2'; certUrl?: string } = {}): Record<string, string> {
  const version = opts.version ?? '2';
  const m: Record<string, string> = {
    MessageId: '165545c9-2a5c-472c-8df2-7ff2be2b3b1b', Timestamp: '2026-11-30T09:02:00.000Z', ...fields,
    SignatureVersion: version, SigningCertURL: opts.certUrl ?? CERT_URL,
    UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-1:123456789012:x',
  };
  const keys = m.Type === 'Notification' ? SIGNED.Notification : SIGNED.SubscriptionConfirmation;
  const signer = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  for (const k of keys) if (k in m) signer.update(`${k}\n${m[k]}\n`);
  return { ...m, Signature: signer.sign(KEY, 'base64') };
}

/** Answers the webhook's certificate download from the test certificate (CERT_URL and copyCertUrl's), 404 for any
 *  other, and a refused connection for UNREACHABLE_CERT_URL; returns the spy. */
export function serveTestCertificate() {
  return vi.spyOn(https, 'get').mockImplementation(((url: string, cb: (res: PassThrough & { statusCode: number }) => void) => {
    const req = new EventEmitter();
    const found = url === CERT_URL || /test\.pem$/.test(url);
    const res = Object.assign(new PassThrough(), { statusCode: found ? 200 : 404 });
    process.nextTick(() => {
      if (url === UNREACHABLE_CERT_URL) return req.emit('error', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
      cb(res);
      res.end(found ? CERT : 'Not Found');
    });
    return req;
  }) as unknown as typeof https.get);
}
