import { doIUseEmail } from '@jsx-email/doiuse-email';
import { parseDocument } from 'htmlparser2';
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { ConfirmModel, InviteModel, ManageModel } from '../../src/mail/confirmations.js';
import type { DigestModel } from '../../src/digest/compose.js';
import { makeLinks } from '../../src/links/urls.js';
import { digestMail } from '../../src/mail/message.js';
import { buildMime } from '../../src/mail/mime.js';
import { loadMailTemplate } from '../../src/templates.js';
import { sampleModel } from '../helpers/digest.js';

// Inbox-readiness gates on a real 20-paper digest and the sign-up mails (confirmation, preferences link):
// SpamAssassin's score, caniemail support, and a preheader that inbox lists show but the opened mail does not.
const template = await loadMailTemplate<DigestModel>('digest');
const confirmTemplate = await loadMailTemplate<ConfirmModel>('confirm');
const manageTemplate = await loadMailTemplate<ManageModel>('manage');
const inviteTemplate = await loadMailTemplate<InviteModel>('invite');
const CLIENTS = ['gmail.*', 'outlook.*', 'apple-mail.*'];
/** Unsupported but kept, since a client that ignores it shows the mail as it would be without it: MJML's
 *  word-break:break-word wraps a long URL everywhere else (test/browser/mail-look.browser.test.ts). */
const ACCEPTED = ['`word-break` is not supported by `outlook.windows-mail`'];
const links = makeLinks('https://paperboy.example.org', 'quality-test-secret');
const confirmModel: ConfirmModel = {
  instance: 'Paperboy', email: 'ada.lovelace@example.org', schedule: 'every day at 08:00 (Europe/Paris)', digest: 'daily', days: 7,
  expires: 'Sunday 6 December 2026, 14:05 (Europe/Paris)', confirmUrl: links.confirm(48213), contact: 'Grace Hopper <papers-admin@example.org>',
};
const manageModel: ManageModel = {
  instance: 'Paperboy', email: 'ada.lovelace@example.org', unsubscribed: false, schedule: 'every day at 08:00 (Europe/Paris)',
  preferencesUrl: links.preferences({ id: 48213, tokenVersion: 0, manageVersion: 0 }), contact: 'Grace Hopper <papers-admin@example.org>',
};
const inviteModel: InviteModel = { ...confirmModel, inviter: 'Grace Hopper <papers-admin@example.org>' };

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

/** A sign-up mail as the confirmation mailer hands it over. */
function rawSignUpMail(subject: string, body: { html: string; text: string }): string {
  return buildMime({
    from: 'Paperboy <digest@paperboy.example.org>', to: confirmModel.email, subject,
    html: body.html, text: body.text, messageId: '<confirm.Zx81qk3Tn0Qw@paperboy.example.org>',
  }).toString('utf8');
}
const rawConfirmation = () => rawSignUpMail('Confirm your Paperboy subscription', confirmTemplate(confirmModel));
const rawPreferencesLink = () => rawSignUpMail('Your Paperboy preferences link', manageTemplate(manageModel));
const rawInvitation = () => rawSignUpMail('Paperboy: your lab added you to its daily papers digest', inviteTemplate(inviteModel));

/** The first text of an HTML body (what inbox lists show as the preview) and the style of the element holding it. */
function firstText(html: string): { text: string; style: string } {
  type Node = { type: string; data?: string; attribs?: Record<string, string>; parent?: Node; children?: Node[] };
  const walk = (n: Node): Node | undefined => {
    if (n.type === 'text' && n.data!.trim()) return n;
    if (n.type === 'tag' && ['title', 'style', 'head'].includes((n as { name?: string }).name!)) return undefined;
    for (const c of n.children ?? []) { const t = walk(c); if (t) return t; }
    return undefined;
  };
  const t = walk(parseDocument(html) as unknown as Node)!;
  return { text: t.data!.trim(), style: t.parent?.attribs?.style ?? '' };
}

describe('inbox-readiness gates', () => {
  it.each([
    ['a rendered digest', rawDigest], ['a confirmation mail', rawConfirmation], ['a preferences-link mail', rawPreferencesLink], ['an invitation', rawInvitation],
  ])('SpamAssassin (local tests) scores %s 0.0', (_name, raw) => {
    const which = spawnSync('sh', ['-c', 'command -v spamassassin']);
    expect(which.status, 'spamassassin must be installed (Debian package spamassassin; .ci/run installs it)').toBe(0);
    const report = execFileSync('spamassassin', ['-L', '-t'], { input: raw(), encoding: 'utf8', timeout: 60_000 });
    const m = /^X-Spam-Status: (?:Yes|No), score=(-?[\d.]+)[^\n]*(?:\n\s+[^\n]*)*/m.exec(report);
    expect(m, 'SpamAssassin report has an X-Spam-Status header').not.toBeNull();
    console.log(`SpamAssassin: ${m![0].replace(/\s+/g, ' ')}`);
    // 0.0 as SpamAssassin prints it: the rules it always matches here (HTML_MESSAGE, NO_RECEIVED, NO_RELAYS) weigh ±0.001.
    expect(Number(m![1])).toBeLessThanOrEqual(0);
  });

  it.each([
    ['digest', () => template(sampleModel()).html, sampleModel().preheader],
    ['confirmation mail', () => confirmTemplate(confirmModel).html, 'Press Confirm on the page the link opens to start your daily digest.'],
    ['preferences-link mail', () => manageTemplate(manageModel).html, 'Change your interests, time or frequency, or unsubscribe.'],
    ['invitation', () => inviteTemplate(inviteModel).html, 'You are invited: press Confirm on the page the link opens to get it. If you do nothing, nothing is sent.'],
  ])('the %s starts with its preheader, hidden in the opened mail by its size (and mso-hide for Outlook), not by its colour', (_name, html, preheader) => {
    const first = firstText(html());
    expect(first.text).toBe(preheader);
    expect(first.style).toMatch(/font-size:0;line-height:0;max-height:0/);
    expect(first.style).toMatch(/mso-hide:all/);
    // Text the colour of the background is what SpamAssassin scores as HTML_FONT_LOW_CONTRAST; display:none and
    // overflow are not honoured by Gmail's mobile webmail and Outlook (the caniemail test below would fail).
    expect(first.style).not.toMatch(/color/);
  });

  it('caniemail (doiuse-email) finds nothing unsupported in Gmail, Outlook and Apple Mail (but word-break in Windows Mail)', () => {
    const result = doIUseEmail(template(sampleModel()).html, { emailClients: CLIENTS });
    const errors = (result.success ? [] : result.errors).filter((e) => !ACCEPTED.includes(e));
    console.log(`doiuse-email over ${CLIENTS.join(', ')}: ${errors.length} unsupported${errors.length ? `:\n${errors.join('\n')}` : ''}; ${result.notes.length} notes of partial support`);
    expect(errors).toEqual([]);
  });
});
