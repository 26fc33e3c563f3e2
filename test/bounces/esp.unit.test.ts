import { createHmac, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mailgunEvents, mailgunSignature, mailgunSigned } from '../../src/bounces/esp/mailgun.js';
import { PayloadError } from '../../src/bounces/esp/payload.js';
import { postmarkAuthorized, postmarkEvents } from '../../src/bounces/esp/postmark.js';
import { sendgridEvents, sendgridSigned } from '../../src/bounces/esp/sendgrid.js';
import { isSnsUrl, sesEvents } from '../../src/bounces/esp/ses.js';

// Each ESP's documented payloads become the right events; each ESP's signature is checked as it documents.
const MSGID = '<digest.2026-11-30.Ab3@lab.example.org>';
const fixture = (name: string, email = 'ada@example.org') => JSON.parse(readFileSync(`test/fixtures/webhooks/${name}.json`, 'utf8')
  .replaceAll('{{EMAIL}}', email).replaceAll('{{EMAIL2}}', 'bob@example.org').replaceAll('{{EMAIL3}}', 'cy@example.org')
  .replaceAll('{{MSGID}}', MSGID).replaceAll('{{MSGID_BARE}}', MSGID.slice(1, -1)));

describe('SES notifications', () => {
  it('a Permanent bounce is hard, per recipient, keyed by feedbackId and naming our Message-ID', () => {
    expect(sesEvents(fixture('ses-bounce'))).toEqual([{
      source: 'ses', key: '0100019312abcdef-33322211-cccc-cccc-cccc-ddddaaaa068a-000000:ada@example.org', kind: 'hard',
      about: { email: 'ada@example.org', messageId: MSGID }, status: '5.1.1', detail: 'smtp; 550 5.1.1 <ada@example.org>... User unknown',
      at: new Date('2026-11-30T09:01:38.237Z'),
    }]);
  });

  it('Transient and Undetermined bounces are soft; a complaint is a complaint; a delivery needs nothing', () => {
    for (const bounceType of ['Transient', 'Undetermined']) {
      const n = fixture('ses-bounce');
      n.bounce.bounceType = bounceType;
      expect(sesEvents(n)[0].kind).toBe('soft');
    }
    expect(sesEvents(fixture('ses-complaint'))).toMatchObject([{ kind: 'complaint', detail: 'abuse', about: { email: 'ada@example.org', messageId: null } }]);
    expect(sesEvents(fixture('ses-delivery'))).toEqual([]);
  });

  it('event publishing (eventType) reads the same; a Bounce without its bounce object is a PayloadError', () => {
    const n = fixture('ses-bounce');
    n.eventType = n.notificationType;
    delete n.notificationType;
    expect(sesEvents(n)).toHaveLength(1);
    delete n.bounce;
    expect(() => sesEvents(n)).toThrow(PayloadError);
  });

  it('subscription URLs are opened only on an SNS host over https', () => {
    expect(isSnsUrl('https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=x&Token=y')).toBe(true);
    for (const bad of ['http://sns.eu-west-1.amazonaws.com/?x', 'https://sns.eu-west-1.amazonaws.com.evil.example/?x',
      'https://evil.example/sns.eu-west-1.amazonaws.com', 'https://sns.eu-west-1.amazonaws.com:8443/', 'not a url', undefined]) {
      expect(isSnsUrl(bad)).toBe(false);
    }
  });
});

describe('Postmark webhooks', () => {
  it('HardBounce is hard, SpamComplaint a complaint, Delivery nothing; keyed by record type, ID and MessageID', () => {
    expect(postmarkEvents(fixture('postmark-bounce'))).toEqual([{
      source: 'postmark', key: 'Bounce:4323372036:883953f4-6105-42a2-a16a-77a8eac79483', kind: 'hard',
      about: { email: 'ada@example.org', messageId: null }, status: null,
      detail: 'smtp;550 5.1.1 The email account that you tried to reach does not exist.', at: new Date('2026-11-30T09:01:54.907Z'),
    }]);
    expect(postmarkEvents(fixture('postmark-spam-complaint'))).toMatchObject([{ kind: 'complaint' }]);
    expect(postmarkEvents(fixture('postmark-delivery'))).toEqual([]);
    const soft = { ...fixture('postmark-bounce'), Type: 'SoftBounce' };
    expect(postmarkEvents(soft)).toMatchObject([{ kind: 'soft' }]);
    expect(postmarkEvents({ ...fixture('postmark-bounce'), Type: 'AutoResponder' })).toEqual([]);
  });

  it('checks HTTP basic auth against user:password', () => {
    const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    expect(postmarkAuthorized(basic('postmark:0123456789abcdef'), 'postmark:0123456789abcdef')).toBe(true);
    expect(postmarkAuthorized(basic('postmark:0123456789abcdeF'), 'postmark:0123456789abcdef')).toBe(false);
    expect(postmarkAuthorized(undefined, 'postmark:0123456789abcdef')).toBe(false);
    expect(postmarkAuthorized('Bearer postmark:0123456789abcdef', 'postmark:0123456789abcdef')).toBe(false);
  });
});

describe('SendGrid signed event webhook', () => {
  // SendGrid's own test vector (sendgrid-nodejs, packages/eventwebhook): key, signature, timestamp and payload.
  const KEY = createPublicKey({ key: Buffer.from('MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==', 'base64'), format: 'der', type: 'spki' });
  const SIGNATURE = 'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=';
  const PAYLOAD = Buffer.from(JSON.stringify({ category: 'example_payload', event: 'test_event', message_id: 'message_id' }));

  it("verifies SendGrid's documented signature, and nothing changed by a byte", () => {
    expect(sendgridSigned(KEY, PAYLOAD, SIGNATURE, '1588788367')).toBe(true);
    expect(sendgridSigned(KEY, Buffer.from(`${PAYLOAD} `), SIGNATURE, '1588788367')).toBe(false);
    expect(sendgridSigned(KEY, PAYLOAD, SIGNATURE, '1588788368')).toBe(false);
    expect(sendgridSigned(KEY, PAYLOAD, SIGNATURE.replace('2j/0=', '3j/0='), '1588788367')).toBe(false);
    expect(sendgridSigned(KEY, PAYLOAD, undefined, '1588788367')).toBe(false);
    expect(sendgridSigned(KEY, PAYLOAD, 'not base64 at all', '1588788367')).toBe(false);
  });

  it('a bounce is hard, a block soft, a spam report a complaint; processed, deferred and delivered need nothing', () => {
    expect(sendgridEvents(fixture('sendgrid-events'))).toEqual([
      { source: 'sendgrid', key: '6g4ZI7SA-xmRDv57GoPIPw==', kind: 'hard', about: { email: 'ada@example.org', messageId: MSGID }, status: '5.0.0', detail: '500 unknown recipient', at: new Date(1795942876000) },
      { source: 'sendgrid', key: 'JMlQyYiJTGyUpJyIv9rwKw==', kind: 'soft', about: { email: 'bob@example.org', messageId: '<14c5d75ce94.dfd.64b469@ismtpd-555>' }, status: '4.7.0', detail: '421 4.7.0 Try again later, closing connection (blocked)', at: new Date(1795942877000) },
      { source: 'sendgrid', key: 'Y2E3NGNhYTctZGE0Yi00MjIyLWE3YzgtZjMxYjAxYTlhYjNh', kind: 'complaint', about: { email: 'cy@example.org', messageId: '<14c5d75ce95.dfd.64b469@ismtpd-555>' }, status: null, detail: 'spamreport', at: new Date(1795942878000) },
    ]);
    expect(() => sendgridEvents({ event: 'bounce' })).toThrow(PayloadError);
  });
});

describe('Mailgun webhooks', () => {
  const KEY = 'key-0123456789abcdef0123456789abcdef';
  const signed = (name: string) => {
    const [timestamp, token] = ['1795942873', 'a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0'];
    const signature = createHmac('sha256', KEY).update(timestamp + token).digest('hex');
    return JSON.parse(JSON.stringify(fixture(name)).replace('{{TIMESTAMP}}', timestamp).replace('{{TOKEN}}', token).replace('{{SIGNATURE}}', signature));
  };

  it('checks the HMAC of timestamp and token under the signing key', () => {
    const body = mailgunSignature(signed('mailgun-failed-permanent'))!;
    expect(mailgunSigned(body, KEY)).toBe(true);
    expect(mailgunSigned(body, `${KEY}x`)).toBe(false);
    expect(mailgunSigned({ ...body, signature: { ...body.signature, timestamp: '1795942874' } }, KEY)).toBe(false);
    expect(mailgunSignature({ 'event-data': body['event-data'] })).toBeNull();
  });

  it('a permanent failure is hard (soft when it ended on a 4xx), a complaint a complaint, a temporary failure nothing', () => {
    expect(mailgunEvents(mailgunSignature(signed('mailgun-failed-permanent'))!)).toEqual([{
      source: 'mailgun', key: 'G9Bn5sl1TC6nu79C8C0bwg', kind: 'hard', about: { email: 'ada@example.org', messageId: MSGID.slice(1, -1) },
      status: '5.1.1', detail: '550 5.1.1 The email account that you tried to reach does not exist.', at: new Date(1795942873501.324),
    }]);
    const full = signed('mailgun-failed-permanent');
    full['event-data']['delivery-status'].code = 421;
    expect(mailgunEvents(mailgunSignature(full)!)[0].kind).toBe('soft');
    expect(mailgunEvents(mailgunSignature(signed('mailgun-complained'))!)).toMatchObject([{ kind: 'complaint', key: '-Agny091SquKnsrW2NEKUA' }]);
    expect(mailgunEvents(mailgunSignature(signed('mailgun-failed-temporary'))!)).toEqual([]);
  });
});
