// One pass over the bounce mailbox (BOUNCE_IMAP_URL): read the mail that arrived since the last pass, act on each
// report that names a digest of ours, move (or delete) what was handled, and leave everything else where it is,
// counted. A pass that fails part-way loses nothing: the mark moves only after a batch is recorded and moved,
// and a report read twice is recorded once.
import { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Db } from '../db/open.js';
import { scrub } from '../log/redact.js';
import { mailboxMark, saveMailboxProgress } from '../store/mail-events.js';
import { recordEvent } from './record-event.js';
import { readReport, type Report } from './report.js';
import { readBounceAddress, type BounceSubject } from '../mail/verp.js';

/** What a pass needs: the database, the settings, the secret of bounce addresses and a logger. */
export interface MailboxDeps {
  db: Db;
  config: Config;
  secret: string;
  log: Logger;
}

/** What one pass read; `recorded` + `repeats` are the bounces and complaints among `handled`. */
export interface MailboxPass {
  read: number;
  handled: number;
  recorded: number;
  repeats: number;
  unknown: number;
  malformed: number;
}

/** The mailbox as its settings name it, and as the logs and the status table name it (never with the password). */
export interface MailboxAddress {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
  folder: string;
  /** user@host:port/folder */
  name: string;
}

/** Reads BOUNCE_IMAP_URL: imaps://user:password@host[:port]/folder (folder INBOX when none is given). */
export function mailboxAddress(url: string): MailboxAddress {
  const u = new URL(url);
  const secure = u.protocol === 'imaps:';
  const port = u.port ? Number(u.port) : secure ? 993 : 143;
  const folder = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'INBOX';
  const user = decodeURIComponent(u.username);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port, secure, user, pass: decodeURIComponent(u.password), folder, name: `${user}@${u.hostname}:${port}/${folder}` };
}

/** Messages fetched and recorded at a time: a DSN may hold the whole digest it returns (~100 KB). */
const BATCH = 50;

/** Reads the mailbox once. `dryRun`: reads and classifies, but records, moves and remembers nothing. Throws when the server cannot be used. */
export async function readBounceMailbox(deps: MailboxDeps, opts: { dryRun?: boolean; signal?: AbortSignal } = {}): Promise<MailboxPass> {
  const box = mailboxAddress(deps.config.BOUNCE_IMAP_URL!);
  const client = new ImapFlow({
    host: box.host, port: box.port, secure: box.secure, auth: { user: box.user, pass: box.pass },
    logger: false, disableAutoIdle: true, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 120_000,
  });
  // A dropped connection is also reported as an event: without a listener it would end the process.
  client.on('error', (err: Error) => deps.log.debug({ err, mailbox: box.name }, 'bounce mailbox connection error'));
  const pass: MailboxPass = { read: 0, handled: 0, recorded: 0, repeats: 0, unknown: 0, malformed: 0 };
  // Stopping the service drops the connection: a pass waiting on a slow server ends at once (what it recorded stays).
  const abort = () => client.close();
  opts.signal?.addEventListener('abort', abort, { once: true });
  try {
    await client.connect();
    const lock = await client.getMailboxLock(box.folder);
    try {
      await readNew(deps, client, box, pass, opts.dryRun ?? false);
    } finally {
      lock.release();
    }
    await client.logout();
  } finally {
    opts.signal?.removeEventListener('abort', abort);
    client.close();
  }
  return pass;
}

/** Reads every message after the mark, a batch at a time. */
async function readNew(deps: MailboxDeps, client: ImapFlow, box: MailboxAddress, pass: MailboxPass, dryRun: boolean): Promise<void> {
  const uidValidity = String(client.mailbox ? client.mailbox.uidValidity : '');
  const mark = mailboxMark(deps.db, box.name);
  const after = mark?.uidValidity === uidValidity ? mark.lastUid : 0;
  // `n:*` always matches the newest message, even below n: hence the filter.
  const uids = ((await client.search({ uid: `${after + 1}:*` }, { uid: true })) || []).filter((u) => u > after).sort((a, b) => a - b);
  // Nothing new: the pass is still recorded (the mailbox answered, an earlier error is cleared).
  if (uids.length === 0 && !dryRun) saveMailboxProgress(deps.db, box.name, { uidValidity, lastUid: after, handled: 0, unknown: 0, malformed: 0 });
  let target: string | null = null;
  for (let i = 0; i < uids.length; i += BATCH) {
    const batch = uids.slice(i, i + BATCH);
    const done: number[] = [];
    const counts = { handled: 0, unknown: 0, malformed: 0 };
    for (const msg of await fetchBatch(client, batch)) {
      const outcome = msg.source ? handle(deps, await readReport(msg.source), dryRun)
        : { result: 'unknown' as const, why: msg.size > MAX_REPORT_BYTES ? `${msg.size} bytes: larger than any report` : 'its content could not be fetched' };
      pass.read++;
      pass[outcome.result]++;
      counts[outcome.result]++;
      if (outcome.result === 'handled') {
        done.push(msg.uid);
        if (outcome.recorded) pass[outcome.recorded === 'recorded' ? 'recorded' : 'repeats']++;
      } else if (outcome.result === 'malformed') deps.log.warn({ mailbox: box.name, uid: msg.uid, why: scrub(outcome.why) }, 'bounce mailbox: a report could not be read; left in the mailbox');
      else deps.log.info({ mailbox: box.name, uid: msg.uid, why: scrub(outcome.why) }, 'bounce mailbox: not a report of ours; left in the mailbox');
    }
    if (dryRun) continue;
    if (done.length) target ??= await moveTarget(client, deps.config.BOUNCE_IMAP_MOVE_TO);
    if (done.length && target === null) await client.messageDelete(done.join(','), { uid: true });
    else if (done.length) await client.messageMove(done.join(','), target!, { uid: true });
    saveMailboxProgress(deps.db, box.name, { uidValidity, lastUid: batch[batch.length - 1], ...counts });
  }
}

/** Reports are small (a relay returns at most the first 50–100 KB of a mail): larger mail is not downloaded. */
const MAX_REPORT_BYTES = 2 * 1024 * 1024;

/** The batch's messages with their bytes; those over MAX_REPORT_BYTES with their size only. */
async function fetchBatch(client: ImapFlow, uids: number[]): Promise<{ uid: number; size: number; source?: Buffer }[]> {
  const sizes = await client.fetchAll(uids.join(','), { uid: true, size: true }, { uid: true });
  const small = sizes.filter((m) => (m.size ?? 0) <= MAX_REPORT_BYTES).map((m) => m.uid);
  const sources = new Map<number, Buffer | undefined>();
  if (small.length) for (const m of await client.fetchAll(small.join(','), { uid: true, source: true }, { uid: true })) sources.set(m.uid, m.source);
  return sizes.map((m) => ({ uid: m.uid, size: m.size ?? 0, source: sources.get(m.uid) })).sort((a, b) => a.uid - b.uid);
}

/** Where handled mail goes: the folder (created when missing), or null to delete it. */
async function moveTarget(client: ImapFlow, setting: string): Promise<string | null> {
  if (setting.toLowerCase() === 'delete') return null;
  await client.mailboxCreate(setting);
  return setting;
}

/** What became of one mail: `handled` (recorded, a repeat, or nothing to do), or left as `unknown` or `malformed`. */
type Outcome = { result: 'handled'; recorded?: 'recorded' | 'repeat' } | { result: 'unknown' | 'malformed'; why: string };

/** Acts on one report. */
function handle(deps: MailboxDeps, report: Report, dryRun: boolean): Outcome {
  if (report.type === 'malformed' || report.type === 'unknown') return { result: report.type, why: report.why };
  if (report.type === 'ignored') return { result: 'handled' };
  const about = subjectOf(deps, report.addresses);
  if (!about) return { result: 'unknown', why: `a ${report.type} report about no digest of ours` };
  if (dryRun) return { result: 'handled' };
  const recorded = recordEvent(deps.db, {
    source: 'mailbox', key: report.id, kind: report.kind, about, status: report.status, detail: report.detail, at: report.at,
  }, { secret: deps.secret, limits: { hard: deps.config.BOUNCE_HARD_LIMIT, soft: deps.config.BOUNCE_SOFT_LIMIT } });
  return { result: 'handled', recorded };
}

/** The first address in a report that is one of our bounce addresses, read back into its subscriber and digest. */
function subjectOf(deps: MailboxDeps, addresses: string[]): BounceSubject | null {
  for (const a of addresses) {
    const s = readBounceAddress(deps.secret, deps.config.BOUNCE_ADDRESS!, a);
    if (s) return s;
  }
  return null;
}

/** Fields imapflow sets on its errors. */
interface ImapError {
  message?: string;
  code?: string;
  authenticationFailed?: boolean;
  responseText?: string;
}

/** What went wrong with the mailbox, in words an operator can act on (no password). */
export function describeMailboxError(err: unknown, box: MailboxAddress): string {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as ImapError;
  if (e.authenticationFailed) return `${box.host} refused the login of ${box.user}: check the user and password in BOUNCE_IMAP_URL${e.responseText ? ` (${e.responseText})` : ''}`;
  if (e.code && /^E[A-Z]+$/.test(e.code)) return `cannot reach ${box.host}:${box.port} (${e.code})`;
  return `${e.message ?? 'unknown error'}${e.responseText ? ` (${e.responseText})` : ''}`;
}
