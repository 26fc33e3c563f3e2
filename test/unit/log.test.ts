import pino from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { logSerializers } from '../../src/http/redact.js';

// The service's logger (src/context.ts) uses these serializers: SMTP replies and errors that quote
// an address or a link must not put them in the logs.
describe('log serializers', () => {
  it('mask addresses and tokens in SMTP replies and errors', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const log = pino({ serializers: logSerializers }, sink);
    const token = `1z.${'A'.repeat(43)}`;
    log.warn({ reply: '550 5.1.1 <ada.lovelace@example.org>: Recipient address rejected' }, 'digest not handed over');
    log.error({ err: new Error(`POST /unsubscribe/${token} for ada.lovelace@example.org failed`) }, 'request failed');
    const out = lines.join('');
    expect(out).not.toContain('ada.lovelace@example.org');
    expect(out).not.toContain(token);
    expect(out).toContain('a…@example.org');
    expect(out).toContain('[token]');
  });
});
