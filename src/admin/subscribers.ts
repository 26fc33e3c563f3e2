// `paperboy subscribers list | remove | invite`: what a lab's admin does with the list.
// Invitations go through the same sign-up as the web form: a confirmation mail, and nobody is
// subscribed without their own click.
import type { Context } from '../context.js';
import type { Db } from '../db/open.js';
import { scheduleLabel } from '../digest/due.js';
import { ApiError } from '../http/errors.js';
import { makeSubscriptions, SIGNUPS_PER_ADDRESS_PER_DAY } from '../http/subscribe.js';
import { makeConfirmationMailer } from '../mail/confirmations.js';
import type { SubscriberStatus } from '../model.js';
import { emailHash } from '../store/address-guard.js';
import { unsuspend, unsuspendSince, type Unsuspended } from '../store/bounces.js';
import { deleteSubscriberData, findByEmail, listSubscribers, type SubscriberListing } from '../store/subscribers.js';
import { parseInviteFile, type BadLine } from './invite-file.js';
import { commandLine } from '../command.js';

/** The statuses `--status` accepts. */
export const STATUSES: readonly SubscriberStatus[] = ['pending', 'active', 'unsubscribed'];

/** A subscriber as `--json` prints it. */
function asJson(s: SubscriberListing) {
  return {
    email: s.email, status: s.status, createdAt: s.createdAt, confirmedAt: s.confirmedAt, unsubscribedAt: s.unsubscribedAt,
    keywords: s.profile.keywords, categories: s.profile.categories, authors: s.profile.authors,
    timezone: s.timezone, hour: s.hour, frequency: s.frequency, weekday: s.weekday, digestSize: s.digestSize, pausedUntil: s.pausedUntil,
  };
}

/** One line: status, address, day signed up, schedule, interests. */
function asLine(s: SubscriberListing, width: number): string {
  const interests = [...s.profile.keywords, ...s.profile.categories, ...s.profile.authors].join(', ');
  return `${s.status.padEnd(12)}  ${s.email.padEnd(width)}  ${s.createdAt.slice(0, 10)}  ${scheduleLabel(s)}${interests ? `  ${interests}` : ''}`;
}

/** `paperboy subscribers list [--status s] [--json]`: the lines to print. */
export function listCommand(db: Db, opts: { status?: SubscriberStatus; json?: boolean } = {}): string[] {
  const subs = listSubscribers(db, opts.status);
  if (opts.json) return [JSON.stringify(subs.map(asJson), null, 2)];
  if (subs.length === 0) return [opts.status ? `no ${opts.status} subscriber` : 'no subscriber yet'];
  const width = Math.max(...subs.map((s) => s.email.length));
  const counts = STATUSES.map((st) => [st, subs.filter((s) => s.status === st).length] as const).filter(([, n]) => n > 0);
  return [...subs.map((s) => asLine(s, width)), `${subs.length} subscriber${subs.length === 1 ? '' : 's'} (${counts.map(([st, n]) => `${n} ${st}`).join(', ')})`];
}

/** `paperboy subscribers remove <email>`: erases the subscriber and suppresses the address, as "delete my data" does. */
export function removeCommand(db: Db, secret: string, email: string): string {
  const sub = findByEmail(db, email.trim());
  if (!sub) throw new Error(`no subscriber ${email}: ${commandLine('subscribers list')} shows who is on the list`);
  deleteSubscriberData(db, sub.id, emailHash(secret, sub.email));
  return `removed ${sub.email} (was ${sub.status}): their data is erased, the address is suppressed and the links in their mails stopped working`;
}

/** `paperboy subscribers unsuspend <email>` or `--all-since DATE`: lifts suspensions (after a relay that refused
 *  everyone, or an address that works again); the lines to print. Counters start again from zero. */
export function unsuspendCommand(db: Db, target: { email?: string; since?: string }): string[] {
  const line = (u: Unsuspended) => `unsuspended ${u.email} (suspended ${u.since.slice(0, 16).replace('T', ' ')}: ${u.reason ?? 'no reason kept'})`;
  if (target.since) {
    const lifted = unsuspendSince(db, target.since);
    return [...lifted.map(line), `${lifted.length} suspension${lifted.length === 1 ? '' : 's'} made since ${target.since} lifted; their digests go out again from their next due day`];
  }
  const sub = findByEmail(db, (target.email ?? '').trim());
  if (!sub) throw new Error(`no subscriber ${target.email}: ${commandLine('subscribers list')} shows who is on the list`);
  const before = db.prepare('SELECT suspended_reason AS reason, suspended_at AS since FROM subscribers WHERE id = ?').get(sub.id) as { reason: string | null; since: string | null };
  if (!before.since || !unsuspend(db, sub.id)) return [`${sub.email} is not suspended`];
  return [line({ email: sub.email, reason: before.reason, since: before.since })];
}

/** What an invite run did. */
export interface InviteReport {
  invited: number;
  bad: BadLine[];
}

/** `paperboy subscribers invite <file>`: each good line is signed up as the web form would; waits until the confirmation mails are handed over. */
export async function inviteCommand(ctx: Context, text: string): Promise<InviteReport> {
  const { invitations, bad } = parseInviteFile(text);
  const mailer = makeConfirmationMailer(ctx);
  let refused = 0;
  try {
    const subs = makeSubscriptions(ctx, mailer, SIGNUPS_PER_ADDRESS_PER_DAY);
    // All in one event-loop turn: the sign-ups share one transaction, and each can still be refused alone.
    const outcomes = await Promise.allSettled(invitations.map((i) => subs.subscribe(i.input)));
    outcomes.forEach((o, i) => {
      if (o.status === 'fulfilled') return;
      refused++;
      const reason = o.reason instanceof ApiError ? o.reason.message : `not recorded: ${(o.reason as Error).message}`;
      bad.push({ line: invitations[i].line, reason: `${invitations[i].input.email}: ${reason}` });
    });
    await mailer.idle();
  } finally {
    await mailer.close();
  }
  return { invited: invitations.length - refused, bad: bad.sort((a, b) => a.line - b.line) };
}
