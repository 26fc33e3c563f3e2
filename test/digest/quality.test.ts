import { doIUseEmail } from '@jsx-email/doiuse-email';
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { DigestModel } from '../../src/digest/compose.js';
import { digestMail } from '../../src/mail/message.js';
import { buildMime } from '../../src/mail/mime.js';
import { loadMailTemplate } from '../../src/templates.js';
import { sampleModel } from '../helpers/digest.js';

// Inbox-readiness gates on a real 20-paper digest: SpamAssassin's score and caniemail support.
const template = await loadMailTemplate<DigestModel>('digest');
const CLIENTS = ['gmail.*', 'outlook.*', 'apple-mail.*'];

/** The digest exactly as the transport hands it to the SMTP server. */
function rawDigest(): string {
  const model = sampleModel();
  const mail = digestMail({
    from: 'Paperboy <digest@paperboy.example.org>', to: model.email, subject: model.subject, body: template(model),
    messageId: '<digest.48213.2026-11-29.Zx81qk3Tn0Qw@paperboy.example.org>', unsubscribeUrl: model.unsubscribeUrl,
    domain: 'paperboy.example.org',
  });
  return buildMime(mail).toString('utf8');
}

describe('inbox-readiness gates', () => {
  it('SpamAssassin (local tests) scores a rendered digest below 2.0', () => {
    const which = spawnSync('sh', ['-c', 'command -v spamassassin']);
    expect(which.status, 'spamassassin must be installed (Debian package spamassassin; .ci/run installs it)').toBe(0);
    const report = execFileSync('spamassassin', ['-L', '-t'], { input: rawDigest(), encoding: 'utf8', timeout: 60_000 });
    const m = /^X-Spam-Status: (?:Yes|No), score=(-?[\d.]+)[^\n]*(?:\n\s+[^\n]*)*/m.exec(report);
    expect(m, 'SpamAssassin report has an X-Spam-Status header').not.toBeNull();
    console.log(`SpamAssassin: ${m![0].replace(/\s+/g, ' ')}`);
    expect(Number(m![1])).toBeLessThan(2.0);
  });

  it('caniemail (doiuse-email) finds nothing unsupported in Gmail, Outlook and Apple Mail', () => {
    const result = doIUseEmail(template(sampleModel()).html, { emailClients: CLIENTS });
    const errors = result.success ? [] : result.errors;
    console.log(`doiuse-email over ${CLIENTS.join(', ')}: ${errors.length} unsupported${errors.length ? `:\n${errors.join('\n')}` : ''}; ${result.notes.length} notes of partial support`);
    expect(errors).toEqual([]);
  });
});
