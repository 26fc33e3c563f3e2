// `paperboy mail-test <address>`: one real mail through the configured transport (the SMTP relay, or the outbox
// folder), sent as every other mail is (MAIL_FROM, BOUNCE_ADDRESS as envelope sender, DKIM when set), and what the
// relay answered: the operator learns whether mail works before the lab signs up.
import type { Config } from '../config.js';
import type { Transport } from './transport.js';
import { newMessageId, type OutgoingMail } from './message.js';
import { handOver } from './sender.js';

/** What a test mail needs of the wiring: four settings, the domain of its Message-ID and the transport. */
export interface MailTestDeps {
  config: Pick<Config, 'INSTANCE_NAME' | 'PUBLIC_URL' | 'MAIL_FROM' | 'BOUNCE_ADDRESS' | 'SMTP_URL'>;
  domain: string;
  transport: Transport;
}

/** What a test mail came to: handed over or not, and the lines to print. */
export interface MailTestReport {
  sent: boolean;
  lines: string[];
}

/** The test mail itself: our words, the instance and when, nothing else. */
export function testMail(ctx: MailTestDeps, to: string, now: Date): OutgoingMail {
  const instance = ctx.config.INSTANCE_NAME;
  const text = `This is a test mail from ${instance} (${ctx.config.PUBLIC_URL}), sent on ${now.toISOString().replace('T', ' ').slice(0, 16)} UTC ` +
    'by the mail-test command to check that its mail arrives.\n\nIf you read this in your inbox (not the spam folder), confirmation mails and ' +
    'digests will arrive too. Nothing else was sent, and there is nothing to do.\n';
  const html = `<p>${text.split('\n\n').map(escape).join('</p><p>')}</p>`;
  return {
    from: ctx.config.MAIL_FROM, to, subject: `${instance}: test mail`, text, html,
    messageId: newMessageId('test', ctx.domain), envelopeFrom: ctx.config.BOUNCE_ADDRESS,
  };
}

/** Sends one test mail to `to` and says what the relay (or the outbox folder) answered, and what to check when it refused. */
export async function mailTest(ctx: MailTestDeps, to: string, now = new Date()): Promise<MailTestReport> {
  const via = ctx.transport.describe();
  const outcome = await handOver(ctx, testMail(ctx, to, now));
  if (outcome.kind === 'sent') {
    const lines = [`sent a test mail to ${to} from ${ctx.config.MAIL_FROM} through ${via}`, `the relay answered: ${outcome.text}`];
    if (!ctx.config.SMTP_URL) lines.push('SMTP_URL is not set: the mail is a file in the outbox folder and left this machine for nobody; set SMTP_URL to send real mail');
    else lines.push('accepted is not delivered: look for it in that inbox (and its spam folder); SPF, DKIM and DMARC decide where it lands');
    return { sent: true, lines };
  }
  return {
    sent: false,
    lines: [`the test mail to ${to} was not handed over (${via})`, `the relay answered: ${outcome.text}`, hint(outcome.code, outcome.text)],
  };
}

/** What to look at for a refusal or a connection that failed. */
function hint(code: number | null, text: string): string {
  if (code === 535 || code === 534 || /auth/i.test(text)) return 'check the user and password in SMTP_URL';
  if (code !== null && code >= 500 && /relay|5\.7\.1|not permitted|denied/i.test(text)) return 'the relay refuses to send for this sender or recipient: check MAIL_FROM (a domain the relay sends for) and SMTP_URL';
  if (code !== null && code >= 400) return 'the relay refused it: its answer above says why';
  return 'the relay could not be reached: check the host and port in SMTP_URL (smtps:// for port 465, smtp:// for 587 or 25) and that this host may connect to it';
}

/** HTML-escapes our own text (it names the instance, which INSTANCE_NAME's check keeps plain). */
function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br>');
}
