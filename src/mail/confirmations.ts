// Hands queued sign-up mails to the transport (the queue lives on the sign-up requests, see
// store/requests.ts): after each sign-up, at start-up, every minute, and when a retry falls due.
// They carry only our own words: no text a stranger typed into the form reaches an inbox through them.
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Db } from '../db/open.js';
import type { MailTemplate } from '../digest/render.js';
import type { Links } from '../links/urls.js';
import { frequencyWord, momentLabel, scheduleLabel } from '../digest/due.js';
import { scrub } from '../log/redact.js';
import { CONFIRM_DAYS, claimMails, finishMail, nextMailAt, type ClaimedMail, type MailOutcome } from '../store/requests.js';
import { getSubscriber } from '../store/subscribers.js';
import { requestMessageId, type OutgoingMail } from './message.js';
import { nextStep, type AttemptOutcome } from './outcome.js';
import { groupCommit } from './pool.js';
import { handOver, retryPolicy } from './sender.js';
import type { Transport } from './transport.js';

/** The model of the confirmation mail: our own words, the address it goes to, the schedule and the link; never text from the form. */
export interface ConfirmModel {
  instance: string;
  email: string;
  /** "every day at 08:00 (Europe/Paris)". */
  schedule: string;
  /** "daily" or "weekly". */
  digest: string;
  /** How many days the link works. */
  days: number;
  /** When the link stops working, in the asked timezone: "Sunday 6 December 2026, 14:05 (Europe/Paris)". */
  expires: string;
  confirmUrl: string;
  /** Who runs the instance (INSTANCE_CONTACT), for the footer; '' when unset. */
  contact: string;
}

/** The model of an invitation (`paperboy subscribers invite`): who invites, the schedule, what happens if nothing is done. */
export interface InviteModel extends ConfirmModel {
  /** Who added the address: INSTANCE_CONTACT, else "The people who run <instance>". */
  inviter: string;
}

/** The model of the preferences-link mail (an active address signed up again, or its owner asked for the link). */
export interface ManageModel {
  instance: string;
  email: string;
  unsubscribed: boolean;
  schedule: string;
  preferencesUrl: string;
  /** Who runs the instance (INSTANCE_CONTACT), for the footer; '' when unset. */
  contact: string;
}

/** What the sign-up mailer needs of the wiring (built by context.ts). */
export interface ConfirmationDeps {
  config: Config;
  db: Db;
  log: Logger;
  secret: string;
  domain: string;
  links: Links;
  transport: Transport;
  templates: { confirm: MailTemplate<ConfirmModel>; invite: MailTemplate<InviteModel>; manage: MailTemplate<ManageModel> };
}

/** The mailer of sign-up mails (confirmation and preferences links) of one process. */
export interface ConfirmationMailer {
  /** Sends whatever is due now; calls made while it runs fold into one more pass. */
  kick(): void;
  /** Resolves when no pass is running (every mail claimed so far is handed over or recorded). */
  idle(): Promise<void>;
  /** Calls `listener` after each pass with when the earliest deferred mail falls due (null: none); returns what
   *  removes it. The timers that act on it are jobs/signup-mail.ts's. */
  onIdle(listener: (next: Date | null) => void): () => void;
  /** Takes no new pass and waits for the one in flight. */
  close(): Promise<void>;
}

/** Builds the mailer; nothing is sent until the first kick. */
export function makeConfirmationMailer(ctx: ConfirmationDeps): ConfirmationMailer {
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;
  const listeners = new Set<(next: Date | null) => void>();

  // Each outcome is recorded as soon as its mail is handed over (outcomes of the same moment share a commit): a
  // crash then resends only the mails in flight, where recording a batch at its end resent the whole batch. A pass
  // claims no more than the connections can carry: mails handed to the transport ahead of a free connection were
  // accepted by the server before their outcome was recorded when the process lagged, and came twice after a kill.
  const record = groupCommit((fn) => ctx.db.transaction(fn)());
  const pass = async () => {
    do {
      again = false;
      const batch = claimMails(ctx.db, new Date(), ctx.config.DELIVERY_LEASE_MS, ctx.config.SMTP_MAX_CONNECTIONS);
      await Promise.all(batch.map(async (c) => {
        const { next, reply } = await sendOne(ctx, c);
        await record(() => finishMail(ctx.db, c.request.id, next, reply));
      }));
      if (batch.length) again = true;
    } while (again && !closed);
    if (closed || !listeners.size) return;
    const next = nextMailAt(ctx.db);
    for (const l of listeners) l(next);
  };

  function kick(): void {
    if (closed) return;
    if (running) { again = true; return; }
    running = pass().catch((err) => ctx.log.error({ err: scrub(String(err)) }, 'confirmation mailer failed'))
      .finally(() => { running = null; });
  }

  return {
    kick,
    idle: async () => { while (running) await running; },
    onIdle(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
    async close() {
      closed = true;
      listeners.clear();
      while (running) await running;
    },
  };
}

/** The mail a request sends, or null when its subscriber is gone. */
function composeMail(ctx: ConfirmationDeps, { request }: ClaimedMail): OutgoingMail | null {
  const sub = getSubscriber(ctx.db, request.subscriberId);
  if (!sub) return null;
  const instance = ctx.config.INSTANCE_NAME;
  // Bounces of sign-up mails go to the bounce mailbox too (counted there as unknown: they name no digest).
  const messageId = requestMessageId(request.kind, request.id, ctx.secret, ctx.domain);
  const base = { from: ctx.config.MAIL_FROM, to: sub.email, messageId, envelopeFrom: ctx.config.BOUNCE_ADDRESS };
  if (request.asked) {
    const asked = request.asked;
    const expires = `${momentLabel(new Date(Date.parse(request.createdAt) + CONFIRM_DAYS * 86_400_000), asked.timezone)} (${asked.timezone})`;
    const contact = ctx.config.INSTANCE_CONTACT ?? '';
    const model = {
      instance, email: sub.email, schedule: scheduleLabel(asked), digest: frequencyWord(asked), days: CONFIRM_DAYS, expires, confirmUrl: ctx.links.confirm(request.id), contact,
    };
    // An invitation says who invites and what happens if nothing is done; a sign-up's confirmation, that someone asked.
    if (request.invited) {
      const body = ctx.templates.invite({ ...model, inviter: contact || `The people who run ${instance}` });
      return { ...base, subject: `${instance}: your lab added you to its ${model.digest} papers digest`, ...body };
    }
    return { ...base, subject: `Confirm your ${instance} subscription`, ...ctx.templates.confirm(model) };
  }
  const body = ctx.templates.manage({
    instance, email: sub.email, unsubscribed: sub.status === 'unsubscribed', schedule: scheduleLabel(sub), preferencesUrl: ctx.links.preferences(sub),
    contact: ctx.config.INSTANCE_CONTACT ?? '',
  });
  return { ...base, subject: `Your ${instance} preferences link`, ...body };
}

/** Renders and hands over one queued mail; returns what to record. */
async function sendOne(ctx: ConfirmationDeps, claimed: ClaimedMail): Promise<{ next: MailOutcome; reply: string }> {
  const mail = composeMail(ctx, claimed);
  if (!mail) return { next: { state: 'failed' }, reply: 'subscriber erased before the mail went out' };
  const outcome = await handOver(ctx, mail);
  const next = queueOutcome(ctx, outcome, claimed.attempts);
  if (next.state !== 'sent') {
    ctx.log.warn({ request: claimed.request.id, kind: claimed.request.kind, attempts: claimed.attempts, reply: scrub(outcome.text), next: next.state },
      'confirmation mail not handed over');
  }
  return { next, reply: outcome.text };
}

/** Sent, retried with the digests' backoff after a 4xx or a network error, or given up. */
function queueOutcome(ctx: ConfirmationDeps, outcome: AttemptOutcome, attempts: number): MailOutcome {
  if (outcome.kind === 'sent') return { state: 'sent' };
  const step = nextStep(outcome, attempts, retryPolicy(ctx), new Date());
  return step.state === 'retry' ? { state: 'queued', at: step.at } : { state: 'failed' };
}
