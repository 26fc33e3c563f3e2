import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fieldBlocks, readReport } from '../../src/bounces/report.js';

// Each kind of mail a bounce mailbox receives is told apart, from real-shaped Postfix and Exim bounces, an abuse
// report, an out-of-office reply, spam and a broken report (test/fixtures/bounces/README.md).
const VERP = 'bounces+0123456789abcdef0123456789abcdef@lab.example.org';
const fixture = (name: string) => Buffer.from(readFileSync(`test/fixtures/bounces/${name}.eml`, 'utf8')
  .replaceAll('{{VERP}}', VERP).replaceAll('{{RCPT}}', 'ada@example.net').replaceAll('{{MSGID}}', '<digest.2026-11-30.abc@lab.example.org>')
  .replace(/\r?\n/g, '\r\n'));

describe('readReport', () => {
  it('Postfix 5.1.1: a hard bounce with its status and diagnostic, our address among the places it names', async () => {
    const r = await readReport(fixture('postfix-hard'));
    expect(r).toMatchObject({
      type: 'bounce', kind: 'hard', status: '5.1.1', id: '<20261130090113.4NYQ2j6xKSz9sVZ@mail.lab.example.org>',
      detail: 'smtp; 550 5.1.1 <ada@example.net>: Recipient address rejected: User unknown in virtual mailbox table',
    });
    expect(r.type === 'bounce' && r.addresses).toContain(VERP);
  });

  it('Postfix giving up after 4xx (4.4.1): a soft bounce', async () => {
    expect(await readReport(fixture('postfix-soft'))).toMatchObject({ type: 'bounce', kind: 'soft', status: '4.4.1' });
  });

  it('a delay warning needs nothing', async () => {
    expect(await readReport(fixture('postfix-delayed'))).toEqual({ type: 'ignored', why: 'no failed recipient (delayed)' });
  });

  it('Exim 4.96 (Status 5.0.0, whole message returned): a hard bounce; the Return-path of the returned mail is read', async () => {
    const r = await readReport(fixture('exim-hard'));
    expect(r).toMatchObject({ type: 'bounce', kind: 'hard', status: '5.0.0', detail: expect.stringContaining('account closed') });
    // Take the report's own headers away: the token is still found in the returned mail.
    const bare = fixture('exim-hard').toString().replace(/^(Envelope-to|To): .*\r\n/gm, '').replace(/^\tfor bounces.*\r\n/m, '');
    const again = await readReport(Buffer.from(bare));
    expect(again.type === 'bounce' && again.addresses).toContain(VERP);
  });

  it('an ARF abuse report is a complaint, tied through Original-Mail-From though the recipient is redacted', async () => {
    const r = await readReport(fixture('arf-complaint'));
    expect(r).toMatchObject({ type: 'complaint', kind: 'complaint', detail: 'abuse (ExampleMail-FBL/2.1)' });
    expect(r.type === 'complaint' && r.addresses[0]).toBe(VERP);
  });

  it('a 200,000-letter Original-Mail-From is passed over in one look, and the report still finds our address (issue 21)', async () => {
    const hostile = fixture('arf-complaint').toString().replace(`Original-Mail-From: <${VERP}>`, `Original-Mail-From: ${'a'.repeat(200_000)}`);
    const r = await readReport(Buffer.from(hostile));
    expect(r).toMatchObject({ type: 'complaint' });
    expect(r.type === 'complaint' && r.addresses).toEqual([VERP, VERP]); // To and Delivered-To; the long field holds none
  });

  it('an ARF report of another feedback type needs nothing', async () => {
    const notSpam = fixture('arf-complaint').toString().replace('Feedback-Type: abuse', 'Feedback-Type: not-spam');
    expect(await readReport(Buffer.from(notSpam))).toEqual({ type: 'ignored', why: 'feedback type not-spam' });
  });

  it('an out-of-office reply and spam are unknown, though the reply was sent to our bounce address', async () => {
    expect(await readReport(fixture('out-of-office'))).toMatchObject({ type: 'unknown' });
    expect(await readReport(fixture('junk'))).toMatchObject({ type: 'unknown' });
  });

  it('a delivery report whose recipient has no Action or Status is malformed', async () => {
    expect(await readReport(fixture('malformed-dsn'))).toEqual({ type: 'malformed', why: 'a recipient without a valid Action and Status (no action, no status)' });
  });

  it('a report without its machine-readable part, and bytes that are no mail, are malformed', async () => {
    const noPart = fixture('postfix-hard').toString().replace('Content-Type: message/delivery-status', 'Content-Type: text/plain');
    expect(await readReport(Buffer.from(noPart))).toMatchObject({ type: 'malformed', why: expect.stringContaining('without its message/delivery-status part') });
    expect(await readReport(Buffer.from([0, 1, 2, 255, 254]))).toMatchObject({ type: 'unknown' });
  });

  it('a report without a Message-ID is known by a hash of its bytes (the same bytes, the same id)', async () => {
    const raw = Buffer.from(fixture('postfix-hard').toString().replace(/^Message-Id: .*\r\n/m, ''));
    const a = await readReport(raw);
    const b = await readReport(Buffer.from(raw));
    expect(a.type === 'bounce' && a.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a.type === 'bounce' && b.type === 'bounce' && a.id === b.id).toBe(true);
  });
});

describe('fieldBlocks', () => {
  it('unfolds continuation lines, lower-cases names and splits blocks at blank lines', () => {
    expect(fieldBlocks('Reporting-MTA: dns; a\r\n\r\nAction: failed\r\nDiagnostic-Code: smtp; 550\r\n    no such user\r\n')).toEqual([
      new Map([['reporting-mta', 'dns; a']]),
      new Map([['action', 'failed'], ['diagnostic-code', 'smtp; 550 no such user']]),
    ]);
  });
});
