import pino from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { logSerializers } from '../../src/log/redact.js';
import { createLogger } from '../../src/log/logger.js';

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

// At a terminal a person reads the log; a service manager's journal reads JSON (issue 22, item 11).
describe('the process log', () => {
  const sink = () => {
    const lines: string[] = [];
    return { lines, stream: new Writable({ write(chunk, _enc, done) { lines.push(...String(chunk).split('\n').filter(Boolean)); done(); } }) };
  };

  it('is one readable line an event at a terminal: local time, level, message, fields', () => {
    const { lines, stream } = sink();
    const log = createLogger('info', { pretty: true, stream });
    log.info({ added: 287 }, 'store was empty: ingested the bundled sample papers');
    log.warn('SMTP_URL is not set');
    log.debug('not shown at info');
    expect(lines).toEqual([
      expect.stringMatching(/^\[\d\d:\d\d:\d\d\] INFO: store was empty: ingested the bundled sample papers \{"added":287\}$/),
      expect.stringMatching(/^\[\d\d:\d\d:\d\d\] WARN: SMTP_URL is not set$/),
    ]);
  });

  it('is JSON, one object a line, for a service manager', () => {
    const { lines, stream } = sink();
    createLogger('info', { pretty: false, stream }).info({ added: 287 }, 'ingested');
    expect(JSON.parse(lines[0])).toMatchObject({ level: 30, msg: 'ingested', added: 287, time: expect.any(Number) });
  });
});
