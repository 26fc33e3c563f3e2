import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, type MockInstance } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { deliver } from '../../src/mail/sender.js';
import { emailHash } from '../../src/store/address-guard.js';
import { startPaperboy, type TestPaperboy } from '../helpers/app.js';
import { ingestListingFile } from '../helpers/papers.js';
import { cachedCertificates } from '../../src/bounces/esp/ses.js';
import { CERT_URL, MISSING_CERT_URL, UNREACHABLE_CERT_URL, copyCertUrl, serveTestCertificate, snsMessage } from '../helpers/sns.js';
import { addSubscribers } from '../helpers/subscribers.js';

// The four ESP webhooks on the real app and a real SQLite file: documented payloads, signed as each ESP signs them,
// change what they should once; forged, unsigned and malformed ones change nothing.
const DAY = new Date('2026-11-29T09:00:00Z');
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:paperboy-bounces';
const POSTMARK = 'postmark:pm-webhook-secret-0123456789';
const MAILGUN_KEY = 'key-0123456789abcdef0123456789abcdef';
const sendgrid = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

let pb: TestPaperboy;
let app: FastifyInstance;
let certificate: MockInstance;
const confirmed: string[] = [];

beforeAll(async () => {
  certificate = serveTestCertificate();
  pb = await startPaperboy({
    SES_TOPIC_ARNS: TOPIC, POSTMARK_WEBHOOK_AUTH: POSTMARK, MAILGUN_WEBHOOK_SIGNING_KEY: MAILGUN_KEY, BOUNCE_HARD_LIMIT: '2',
    SENDGRID_WEBHOOK_PUBLIC_KEY: sendgrid.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  });
  ingestListingFile(pb.ctx.db, 'test/fixtures/hf-papers-page.txt', new Date(DAY.getTime() - 3_600_000));
  addSubscribers(pb.ctx.db, 12);
  await deliver(pb.ctx, DAY);
  app = await buildApp(pb.ctx, { confirmSnsSubscription: async (url) => { confirmed.push(url); } });
});
afterAll(async () => {
  await app?.close();
  await pb?.close();
  certificate?.mockRestore();
});

const fixture = (name: string, email: string) => readFileSync(`test/fixtures/webhooks/${name}.json`, 'utf8')
  .replaceAll('{{EMAIL}}', email).replaceAll('{{EMAIL2}}', 'sub10@example.org').replaceAll('{{EMAIL3}}', 'sub11@example.org')
  .replaceAll('{{MSGID}}', messageIdOf(email)).replaceAll('{{MSGID_BARE}}', messageIdOf(email).slice(1, -1));
const messageIdOf = (email: string) => (pb.ctx.db.prepare('SELECT d.message_id FROM digests d JOIN subscribers s ON s.id = d.subscriber_id WHERE s.email = ?').pluck().get(email) as string | undefined) ?? '<none@x>';
const sub = (email: string) => pb.ctx.db.prepare('SELECT status, hard_bounces AS hard, soft_bounces AS soft, suspended_reason AS suspended FROM subscribers WHERE email = ?').get(email);
const eventCount = () => pb.ctx.db.prepare('SELECT count(*) FROM mail_events').pluck().get() as number;
const suppressed = (email: string) => pb.ctx.db.prepare('SELECT count(*) FROM suppressions WHERE email_hash = ?').pluck().get(emailHash(pb.ctx.secret, email));
/** Every row that a webhook may change: what "nothing changed" is checked against. */
const snapshot = () => JSON.stringify([
  pb.ctx.db.prepare('SELECT id, status, hard_bounces, soft_bounces, suspended_at FROM subscribers ORDER BY id').all(),
  pb.ctx.db.prepare('SELECT * FROM mail_events ORDER BY id').all(), pb.ctx.db.prepare('SELECT * FROM suppressions').all(),
]);

const ses = (fields: Record<string, string>, opts?: Parameters<typeof snsMessage>[1]) =>
  app.inject({ method: 'POST', url: '/webhooks/ses', headers: { 'content-type': 'text/plain; charset=UTF-8' }, payload: JSON.stringify(snsMessage(fields, opts)) });
const sesNotification = (name: string, email: string, more: Record<string, string> = {}) =>
  ses({ Type: 'Notification', TopicArn: TOPIC, Message: fixture(name, email), ...more });
const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
const postmark = (body: string, auth = POSTMARK) => app.inject({ method: 'POST', url: '/webhooks/postmark', headers: { 'content-type': 'application/json', authorization: basic(auth) }, payload: body });
/** A signed call's timestamp: now (the webhooks refuse one more than 5 minutes off), or `ago` seconds before. */
const stamp = (ago = 0) => String(Math.floor(Date.now() / 1000) - ago);
const sendgridPost = (body: string, timestamp = stamp(), key = sendgrid.privateKey) => app.inject({
  method: 'POST', url: '/webhooks/sendgrid', payload: body, headers: {
    'content-type': 'application/json', 'x-twilio-email-event-webhook-timestamp': timestamp,
    'x-twilio-email-event-webhook-signature': sign('sha256', Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), key).toString('base64'),
  },
});
let tokens = 0;
const mailgunBody = (name: string, email: string, key = MAILGUN_KEY, token = `a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f${++tokens}`, timestamp = stamp()) => {
  return fixture(name, email).replace('{{TIMESTAMP}}', timestamp).replace('{{TOKEN}}', token)
    .replace('{{SIGNATURE}}', createHmac('sha256', key).update(timestamp + token).digest('hex'));
};
const mailgun = (body: string) => app.inject({ method: 'POST', url: '/webhooks/mailgun', headers: { 'content-type': 'application/json' }, payload: body });

describe('POST /webhooks/ses (SNS)', () => {
  it('confirms a signed subscription of an accepted topic by opening its SubscribeURL on the SNS host', async () => {
    const url = 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:123456789012:paperboy-bounces&Token=2336412f37';
    const res = await ses({ Type: 'SubscriptionConfirmation', TopicArn: TOPIC, Message: 'You have chosen to subscribe…', SubscribeURL: url, Token: '2336412f37' });
    expect(res.statusCode).toBe(200);
    expect(confirmed).toEqual([url]);
    expect(certificate).toHaveBeenCalledWith(CERT_URL, expect.any(Function));
  });

  it('refuses, with 401 and no request made, an unsigned confirmation, one signed by another key, and a certificate off the AWS hosts', async () => {
    const before = confirmed.length;
    const fields = { Type: 'SubscriptionConfirmation', TopicArn: TOPIC, Message: 'm', SubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription', Token: 't' };
    const unsigned: Record<string, string> = snsMessage(fields);
    delete unsigned.Signature;
    const forged = { ...snsMessage(fields), SubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=other' };
    for (const body of [unsigned, forged, snsMessage(fields, { certUrl: 'https://sns.us-east-1.amazonaws.com.evil.example/cert.pem' }),
      snsMessage(fields, { certUrl: 'http://sns.us-east-1.amazonaws.com/cert.pem' })]) {
      const res = await app.inject({ method: 'POST', url: '/webhooks/ses', payload: JSON.stringify(body), headers: { 'content-type': 'text/plain' } });
      expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(401);
      expect(res.json().error.code).toBe('unauthorized');
    }
    // Signed, but its SubscribeURL leads off the SNS host: never opened.
    const offHost = await ses({ ...fields, SubscribeURL: 'https://evil.example/?Action=ConfirmSubscription' });
    expect(offHost.statusCode).toBe(400);
    expect(confirmed.length).toBe(before);
  });

  it('a Permanent bounce counts a hard bounce once, ties it to the digest by Message-ID, and a repeat changes nothing', async () => {
    const res = await sesNotification('ses-bounce', 'sub0@example.org');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(sub('sub0@example.org')).toMatchObject({ hard: 1, suspended: null });
    const event = pb.ctx.db.prepare("SELECT source, kind, status, day, digest_id IS NOT NULL AS linked, detail FROM mail_events WHERE source = 'ses'").get();
    expect(event).toEqual({ source: 'ses', kind: 'hard', status: '5.1.1', day: '2026-11-29', linked: 1, detail: 'smtp; 550 5.1.1 <s…@example.org>... User unknown' });
    const before = snapshot();
    expect((await sesNotification('ses-bounce', 'sub0@example.org', { MessageId: 'a-retry-of-the-same-notification' })).statusCode).toBe(200);
    expect(snapshot()).toBe(before);
  });

  it('SignatureVersion 1 (SHA1) is checked too; a complaint unsubscribes and suppresses', async () => {
    const res = await ses({ Type: 'Notification', TopicArn: TOPIC, Message: fixture('ses-complaint', 'sub1@example.org') }, { version: '1' });
    expect(res.statusCode).toBe(200);
    expect(sub('sub1@example.org')).toMatchObject({ status: 'unsubscribed' });
    expect(suppressed('sub1@example.org')).toBe(1);
  });

  it('a tampered message, another topic (signed by SNS all the same) and an unsigned notification: 401, nothing changes', async () => {
    const before = snapshot();
    const signed = snsMessage({ Type: 'Notification', TopicArn: TOPIC, Message: fixture('ses-complaint', 'sub2@example.org') });
    const tampered = { ...signed, Message: fixture('ses-complaint', 'sub3@example.org') };
    const otherTopic = snsMessage({ Type: 'Notification', TopicArn: 'arn:aws:sns:us-east-1:999999999999:someone-else', Message: fixture('ses-complaint', 'sub2@example.org') });
    const unsigned: Record<string, string> = { ...signed };
    delete unsigned.Signature;
    for (const body of [tampered, otherTopic, unsigned]) {
      const res = await app.inject({ method: 'POST', url: '/webhooks/ses', payload: JSON.stringify(body), headers: { 'content-type': 'text/plain' } });
      expect(res.statusCode).toBe(401);
    }
    expect(snapshot()).toBe(before);
  });

  it('a certificate that cannot be fetched now: 503 (SNS retries); one SNS does not have: 401; malformed bodies: 400; nothing changes', async () => {
    const before = snapshot();
    expect((await ses({ Type: 'Notification', TopicArn: TOPIC, Message: fixture('ses-bounce', 'sub2@example.org') }, { certUrl: UNREACHABLE_CERT_URL })).statusCode).toBe(503);
    expect((await ses({ Type: 'Notification', TopicArn: TOPIC, Message: fixture('ses-bounce', 'sub2@example.org') }, { certUrl: MISSING_CERT_URL })).statusCode).toBe(401);
    for (const payload of ['', 'not json', '[]', '"a string"']) {
      const res = await app.inject({ method: 'POST', url: '/webhooks/ses', payload, headers: { 'content-type': 'text/plain' } });
      expect(res.statusCode, payload).toBe(400);
      expect(res.json().error.code).toBe('invalid_payload');
    }
    // Signed, but its Message is not an SES notification.
    expect((await ses({ Type: 'Notification', TopicArn: TOPIC, Message: 'hello' })).statusCode).toBe(400);
    expect((await ses({ Type: 'Notification', TopicArn: TOPIC, Message: '{"notificationType":"Bounce","mail":{}}' })).statusCode).toBe(400);
    expect(snapshot()).toBe(before);
  });
});

describe('POST /webhooks/ses: what a stranger may send (issue 21)', () => {
  it('a crafted SigningCertURL is a 401 and nothing is fetched', async () => {
    const before = snapshot();
    certificate.mockClear();
    for (const certUrl of ['https://sns.us-east-1.amazonaws.com%40127.0.0.1:8443/cert.pem', 'https://sns.us-east-1.amazonaws.com@127.0.0.1/cert.pem',
      'https://sns.us-east-1.amazonaws.com:8443/cert.pem', `${CERT_URL}?x=1`, 'https://sns.us-east-1.amazonaws.com/cert.txt', 'not a url']) {
      const res = await ses({ Type: 'Notification', TopicArn: TOPIC, Message: fixture('ses-complaint', 'sub2@example.org') }, { certUrl });
      expect(res.statusCode, certUrl).toBe(401);
      expect(res.json().error).toEqual({ code: 'unauthorized', message: 'Not a message signed by Amazon SNS: its SigningCertURL is not a certificate on an SNS host' });
    }
    expect(certificate).not.toHaveBeenCalled();
    expect(snapshot()).toBe(before);
  });

  it('checks the topic before the signature: a message of another topic fetches no certificate', async () => {
    certificate.mockClear();
    const res = await ses({ Type: 'Notification', TopicArn: 'arn:aws:sns:us-east-1:999999999999:other', Message: 'x' }, { certUrl: copyCertUrl(999) });
    expect(res.statusCode).toBe(401);
    expect(certificate).not.toHaveBeenCalled();
  });

  it('keeps at most 16 certificates, however many URLs messages name', async () => {
    for (let n = 0; n < 40; n++) {
      const res = await ses({ Type: 'UnsubscribeConfirmation', TopicArn: TOPIC, Message: 'm', SubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription', Token: 't' }, { certUrl: copyCertUrl(n) });
      expect(res.statusCode).toBe(200);
    }
    expect(cachedCertificates()).toBe(16);
  });
});

describe('POST /webhooks/postmark (basic auth)', () => {
  it('a HardBounce counts, a SpamComplaint unsubscribes, a Delivery changes nothing', async () => {
    expect((await postmark(fixture('postmark-bounce', 'sub2@example.org'))).statusCode).toBe(200);
    expect(sub('sub2@example.org')).toMatchObject({ hard: 1 });
    expect((await postmark(fixture('postmark-spam-complaint', 'sub3@example.org'))).statusCode).toBe(200);
    expect(sub('sub3@example.org')).toMatchObject({ status: 'unsubscribed' });
    const before = snapshot();
    expect((await postmark(fixture('postmark-delivery', 'sub4@example.org'))).statusCode).toBe(200);
    expect(snapshot()).toBe(before);
  });

  it('no credentials or the wrong ones: 401 asking for basic auth; a bounce record without Email: 400; nothing changes', async () => {
    const before = snapshot();
    const body = fixture('postmark-bounce', 'sub4@example.org');
    const none = await app.inject({ method: 'POST', url: '/webhooks/postmark', headers: { 'content-type': 'application/json' }, payload: body });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Basic realm="paperboy webhooks"');
    expect((await postmark(body, 'postmark:pm-webhook-secret-0123456780')).statusCode).toBe(401);
    const noEmail = JSON.parse(body);
    delete noEmail.Email;
    const res = await postmark(JSON.stringify(noEmail));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/^The body is not what this ESP sends: Email: /);
    expect(snapshot()).toBe(before);
  });
});

describe('POST /webhooks/sendgrid (ECDSA signature)', () => {
  it('a signed batch: the bounce hard, the block soft, the spam report a complaint; the rest of the batch changes nothing', async () => {
    const res = await sendgridPost(fixture('sendgrid-events', 'sub4@example.org'));
    expect(res.statusCode).toBe(200);
    expect(sub('sub4@example.org')).toMatchObject({ hard: 1, soft: 0 });
    expect(sub('sub10@example.org')).toMatchObject({ hard: 0, soft: 1 });
    expect(sub('sub11@example.org')).toMatchObject({ status: 'unsubscribed' });
    expect(pb.ctx.db.prepare("SELECT count(*) FROM mail_events WHERE source = 'sendgrid'").pluck().get()).toBe(3);
  });

  it('signed by another key, a changed byte, no signature: 401; signed but not an event batch: 400; nothing changes', async () => {
    const before = snapshot();
    const body = fixture('sendgrid-events', 'sub5@example.org');
    expect((await sendgridPost(body, stamp(), generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey)).statusCode).toBe(401);
    const changed = await app.inject({ method: 'POST', url: '/webhooks/sendgrid', payload: body.replace('sub5', 'sub6'), headers: {
      'content-type': 'application/json', 'x-twilio-email-event-webhook-timestamp': stamp(),
      'x-twilio-email-event-webhook-signature': sign('sha256', Buffer.from(`${stamp()}${body}`), sendgrid.privateKey).toString('base64'),
    } });
    expect(changed.statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/webhooks/sendgrid', payload: body, headers: { 'content-type': 'application/json' } })).statusCode).toBe(401);
    expect((await sendgridPost('{"event":"bounce"}')).statusCode).toBe(400);
    expect(snapshot()).toBe(before);
  });

  it('a batch signed with a stale timestamp (2023, or 10 minutes ago) or one from the future: 401, nothing changes (issue 21)', async () => {
    const before = snapshot();
    const body = fixture('sendgrid-events', 'sub5@example.org');
    for (const timestamp of ['1690000000', stamp(600), stamp(-600)]) {
      const res = await sendgridPost(body, timestamp);
      expect(res.statusCode, timestamp).toBe(401);
      expect(res.json().error.message).toMatch(/timestamp is more than 5 minutes from this server's clock/);
    }
    expect(snapshot()).toBe(before);
  });
});

describe('POST /webhooks/mailgun (HMAC signature)', () => {
  it('a permanent failure counts once, a complaint unsubscribes, a temporary failure changes nothing', async () => {
    expect((await mailgun(mailgunBody('mailgun-failed-permanent', 'sub7@example.org'))).statusCode).toBe(200);
    expect((await mailgun(mailgunBody('mailgun-failed-permanent', 'sub7@example.org', MAILGUN_KEY, 'another-token-of-a-retry-0123456789abcdef'))).statusCode).toBe(200);
    expect(sub('sub7@example.org')).toMatchObject({ hard: 1 });
    expect(pb.ctx.db.prepare("SELECT digest_id IS NOT NULL FROM mail_events WHERE source = 'mailgun'").pluck().get()).toBe(1);
    expect((await mailgun(mailgunBody('mailgun-complained', 'sub8@example.org'))).statusCode).toBe(200);
    expect(sub('sub8@example.org')).toMatchObject({ status: 'unsubscribed' });
    const before = snapshot();
    expect((await mailgun(mailgunBody('mailgun-failed-temporary', 'sub9@example.org'))).statusCode).toBe(200);
    expect(snapshot()).toBe(before);
  });

  it('a wrong signature or none: 401; signed but without the recipient: 400; nothing changes', async () => {
    const before = snapshot();
    expect((await mailgun(mailgunBody('mailgun-complained', 'sub9@example.org', 'key-not-the-one-0123456789abcdef'))).statusCode).toBe(401);
    const unsigned = JSON.parse(mailgunBody('mailgun-complained', 'sub9@example.org'));
    delete unsigned.signature;
    expect((await mailgun(JSON.stringify(unsigned))).statusCode).toBe(401);
    const noRecipient = JSON.parse(mailgunBody('mailgun-complained', 'sub9@example.org'));
    delete noRecipient['event-data'].recipient;
    expect((await mailgun(JSON.stringify(noRecipient))).statusCode).toBe(400);
    expect((await mailgun('{')).statusCode).toBe(400);
    expect(snapshot()).toBe(before);
  });

  it('a captured signature works once: reposted with another event, or a year later, it is refused (issue 21)', async () => {
    // The signature covers timestamp + token only: the same one with a complaint about another subscriber.
    const first = mailgunBody('mailgun-failed-temporary', 'sub9@example.org', MAILGUN_KEY, 'captured-token-0123456789abcdef0123456789abcdef01');
    expect((await mailgun(first)).statusCode).toBe(200);
    const before = snapshot();
    const replayed = JSON.parse(mailgunBody('mailgun-complained', 'sub10@example.org'));
    replayed.signature = JSON.parse(first).signature;
    const again = await mailgun(JSON.stringify(replayed));
    expect(again.statusCode).toBe(401);
    expect(again.json().error.message).toBe('This signature was used before: each signed call is accepted once');
    // A year-old signature, and one from the future, with a token never seen.
    for (const ago of [365 * 86_400, -600]) {
      const res = await mailgun(mailgunBody('mailgun-complained', 'sub10@example.org', MAILGUN_KEY, `old-token-${ago}-0123456789abcdef0123456789abcd`, stamp(ago)));
      expect(res.statusCode).toBe(401);
      expect(res.json().error.message).toMatch(/more than 5 minutes/);
    }
    expect(sub('sub10@example.org')).toMatchObject({ status: 'active' });
    expect(snapshot()).toBe(before);
    // A call refused for its body (400) does not spend its token: Mailgun's retry of it is taken.
    const noRecipient = JSON.parse(mailgunBody('mailgun-failed-temporary', 'sub9@example.org', MAILGUN_KEY, 'retried-token-0123456789abcdef0123456789abcdef012'));
    const complete = JSON.stringify(noRecipient);
    delete noRecipient['event-data'].recipient;
    expect((await mailgun(JSON.stringify(noRecipient))).statusCode).toBe(400);
    expect((await mailgun(complete)).statusCode).toBe(200);
  });
});

describe('every webhook', () => {
  it('answers the same whether the address is a subscriber or not; a complaint about a stranger suppresses the address only', async () => {
    const known = await postmark(fixture('postmark-bounce', 'sub9@example.org').replace('4323372036', '1'));
    const unknown = await postmark(fixture('postmark-bounce', 'nobody@example.org').replace('4323372036', '2'));
    expect([unknown.statusCode, unknown.body]).toEqual([known.statusCode, known.body]);
    expect((await postmark(fixture('postmark-spam-complaint', 'stranger@example.org').replace('4323372037', '3'))).statusCode).toBe(200);
    expect(suppressed('stranger@example.org')).toBe(1);
    expect(pb.ctx.db.prepare("SELECT count(*) FROM subscribers WHERE email IN ('nobody@example.org', 'stranger@example.org')").pluck().get()).toBe(0);
  });

  it('is never held back by the per-IP limit: 40 posts from one address in a row are all taken', async () => {
    const codes = new Set<number>();
    for (let i = 0; i < 40; i++) codes.add((await postmark(fixture('postmark-delivery', 'sub9@example.org'))).statusCode);
    expect([...codes]).toEqual([200]);
  });

  it('is off, with 404, until its secret is set', async () => {
    const bare = await startPaperboy();
    try {
      for (const esp of ['ses', 'postmark', 'sendgrid', 'mailgun']) {
        const res = await bare.app.inject({ method: 'POST', url: `/webhooks/${esp}`, payload: '{}', headers: { 'content-type': 'application/json' } });
        expect(res.statusCode).toBe(404);
        expect(res.json().error.code).toBe('webhook_off');
      }
    } finally {
      await bare.close();
    }
    expect(eventCount()).toBeGreaterThan(0);
  });
});
