// `paperboy subscribers list | remove | invite`: what a lab's admin does with the list.
// Invitations go through the same sign-up as the web form: a confirmation mail, and nobody is
// subscribed without their own click.
import type { Context } from '../context.js';
import type { Db } from '../db/open.js';
import { scheduleLabel } from '../digest/due.js';
import { ApiError } from '../api-error.js';
import { makeSubscriptions, SIGNUPS_PER_ADDRESS_PER_DAY } from '../signup/subscriptions.js';
import type { SubscriberStatus } from '../model.js';
import { emailHash, liftSuppression, suppressionOf, suppressions, type SuppressionReason } from '../store/address-guard.js';
import { unsuspend, unsuspendSince, type Unsuspended } from '../store/bounces.js';
import { deleteSubscriberData, findByEmail, footprint, listSubscribers, type SubscriberListing } from '../store/subscribers.js';
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

/** Who `paperboy subscribers remove` would erase, for its question: "ada@… (active, signed up 2026-07-01, 12 digests, a library of 40 entries)". */
export function describeForRemoval(db: Db, email: string): string {
  const sub = findByEmail(db, email.trim());
  if (!sub) throw new Error(`no subscriber ${email}: ${commandLine('subscribers list')} shows who is on the list`);
  const n = footprint(db, sub.id);
  return `${sub.email} (${sub.status}, signed up ${n.since.slice(0, 10)}, ${n.digests} digest${n.digests === 1 ? '' : 's'}` +
    `${n.library ? `, a library of ${n.library} entr${n.library === 1 ? 'y' : 'ies'}` : ''})`;
}

/** `paperboy subscribers remove <email>`: erases the subscriber and blocks the address, as "delete my data" does. */
export function removeCommand(db: Db, secret: string, email: string): string {
  const sub = findByEmail(db, email.trim());
  if (!sub) throw new Error(`no subscriber ${email}: ${commandLine('subscribers list')} shows who is on the list`);
  deleteSubscriberData(db, sub.id, emailHash(secret, sub.email), new Date(), 'removed');
  return `removed ${sub.email} (was ${sub.status}): their data is erased, the links in their mails stopped working, and the address is blocked ` +
    `(invitations pass it over; it gets mail again only when its owner signs up and confirms, or after ${commandLine(`subscribers unblock ${sub.email}`)})`;
}

/** `paperboy subscribers blocked [email]`: every block, newest first, with when and why (only a hash of each address is
 *  kept, so none is named); or whether one address is blocked. */
export function blockedCommand(db: Db, secret: string, email?: string): string[] {
  if (email) {
    const s = suppressionOf(db, emailHash(secret, email.trim()));
    return [s ? `${email.trim()} is blocked since ${s.since.slice(0, 10)} (${blockReason(s.reason)}); ${commandLine(`subscribers unblock ${email.trim()}`)} lifts it`
      : `${email.trim()} is not blocked`];
  }
  const all = suppressions(db);
  if (!all.length) return ['no address is blocked'];
  return [...all.map((s) => `${s.since.slice(0, 16).replace('T', ' ')}  ${blockReason(s.reason)}`),
    `${all.length} blocked address${all.length === 1 ? '' : 'es'}; only a one-way hash of each is kept, so none is named here: ` +
    `${commandLine('subscribers blocked <email>')} says whether one is`];
}

/** `paperboy subscribers unblock <email>`: lifts an address's block; `changed` false when it was not blocked. */
export function unblockCommand(db: Db, secret: string, email: string): { changed: boolean; line: string } {
  const s = suppressionOf(db, emailHash(secret, email.trim()));
  if (!s || !liftSuppression(db, emailHash(secret, email.trim()))) return { changed: false, line: `${email.trim()} is not blocked` };
  return { changed: true, line: `unblocked ${email.trim()} (blocked since ${s.since.slice(0, 10)}: ${blockReason(s.reason)}): it may be invited again` };
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

/** What an invite run did: how many were invited, the lines refused, and the addresses passed over (already
 *  subscribed, unsubscribed, blocked), each with why. */
export interface InviteReport {
  invited: number;
  bad: BadLine[];
  skipped: BadLine[];
}

/** Why an address on an invite list gets no invitation: its owner is subscribed already, chose to leave, or it is
 *  blocked (removed, data deleted, or a spam complaint); null when it may be invited (new, or never confirmed). */
function notToInvite(db: Db, secret: string, email: string): string | null {
  const sub = findByEmail(db, email);
  if (sub?.status === 'active') return 'already subscribed: nothing sent';
  if (sub?.status === 'unsubscribed') return 'unsubscribed: they chose to leave, so no invitation is sent (they can sign up again on the page)';
  const blocked = suppressionOf(db, emailHash(secret, email));
  if (blocked) return `blocked since ${blocked.since.slice(0, 10)} (${blockReason(blocked.reason)}): nothing sent; ${commandLine(`subscribers unblock ${email}`)} first to invite it`;
  return null;
}

/** `paperboy subscribers invite <file>`: each good line is signed up as the web form would, its mail an invitation
 *  (timezone and hour the lab's unless the file gives them); addresses already subscribed, unsubscribed or blocked are
 *  passed over. Waits until the invitations are handed over. */
export async function inviteCommand(ctx: Context, text: string): Promise<InviteReport> {
  const parsed = parseInviteFile(text);
  const bad = parsed.bad;
  const skipped: BadLine[] = [];
  const invitations = parsed.invitations.filter((i) => {
    const why = notToInvite(ctx.db, ctx.secret, i.input.email);
    if (why) skipped.push({ line: i.line, reason: `${i.input.email}: ${why}` });
    return !why;
  });
  let refused = 0;
  const subs = makeSubscriptions(ctx, ctx.mailer, SIGNUPS_PER_ADDRESS_PER_DAY);
  // All in one event-loop turn: the sign-ups share one transaction, and each can still be refused alone.
  const outcomes = await Promise.allSettled(invitations.map((i) => subs.subscribe(i.input, { invited: true })));
  outcomes.forEach((o, i) => {
    if (o.status === 'fulfilled') return;
    refused++;
    const reason = o.reason instanceof ApiError ? o.reason.message : `not recorded: ${(o.reason as Error).message}`;
    bad.push({ line: invitations[i].line, reason: `${invitations[i].input.email}: ${reason}` });
  });
  await ctx.mailer.idle();
  return { invited: invitations.length - refused, bad: bad.sort((a, b) => a.line - b.line), skipped };
}

/** Why an address is blocked, in words. */
export function blockReason(reason: SuppressionReason | null): string {
  return reason === 'removed' ? `removed with ${commandLine('subscribers remove')}` : reason === 'deleted' ? 'its owner deleted their data'
    : reason === 'complaint' ? 'a mail to it was marked as spam' : 'reason not kept';
}
