import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { bareAddress, buildMime } from '../../src/mail/mime.js';

describe('the wire form of a mail', () => {
  it('parses back to exactly what went in: encoded subject and names, both parts, list headers', async () => {
    const mail = {
      from: 'Paperboy Café <digest@paperboy.test>', to: 'ada@example.org',
      subject: 'Über-long title: ∑ of “quotes” and an ellipsis… '.repeat(3).trim(),
      text: 'Line one\nLine two with trailing space \n👍 https://paperboy.test/f/' + 'x'.repeat(120) + '\n',
      html: '<div>Ünïcode &amp; <a href="https://paperboy.test/u">unsubscribe</a></div>'.repeat(50),
      messageId: '<digest.1.2026-11-29.abc@paperboy.test>',
      headers: { 'List-Unsubscribe': '<https://paperboy.test/unsubscribe/t>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    };
    const raw = buildMime(mail, new Date('2026-11-29T09:00:00Z'));
    expect(raw.toString('latin1')).not.toMatch(/[^\r]\n/); // CRLF only
    expect(Math.max(...raw.toString('latin1').split('\r\n').map((l) => l.length))).toBeLessThanOrEqual(998);
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe(mail.subject);
    expect(parsed.from?.value[0]).toEqual({ name: 'Paperboy Café', address: 'digest@paperboy.test' });
    expect(parsed.text).toBe(mail.text);
    expect(parsed.html).toBe(mail.html);
    expect(parsed.messageId).toBe(mail.messageId);
    expect(parsed.date?.toISOString()).toBe('2026-11-29T09:00:00.000Z');
    expect(raw.toString()).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    expect(bareAddress(mail.from)).toBe('digest@paperboy.test');
    expect(() => bareAddress('nobody')).toThrow(/not an email address/);
  });
});
