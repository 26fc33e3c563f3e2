import { Command, InvalidArgumentError } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { commandLine } from './command.js';
import { loadEnvironmentConfig, type Config } from './config.js';
import type { Context } from './context.js';
import type { Db } from './db/open.js';
import type { RunReport } from './mail/sender.js';
import { FORMATS, type Format } from './ingest/types.js';
import type { SubscriberStatus } from './model.js';

// Commands load their modules on use: MJML and Fastify take a second to load, `--help` should not wait.

/** The configuration every command shares with `serve`: `.env` in the working directory, then the environment; read once per program(). */
let loaded: Config | undefined;
/** Whether the command about to run listens or mails links (set before the configuration is read). */
let linksNeeded = true;
const config = (): Config => (loaded ??= loadEnvironmentConfig({ warn: (line) => console.error(`paperboy: ${line}`), links: linksNeeded }));

/** The commands that listen or mail links: only they need a PUBLIC_URL when HOST listens on every address (the
 *  container's), so `docker run --rm … restore` works with the volume alone. */
const LINK_COMMANDS = new Set(['serve', 'digest', 'invite', 'mail-test']);

/** Refuses to go on without a database, so a command run in the wrong folder does not make an empty one: only `serve`
 *  and `migrate` create one (and `restore` puts a backup in place). */
function requireDb(c: Config): void {
  const file = resolve(c.PAPERBOY_DB);
  if (!existsSync(file)) throw new Error(`no Paperboy database at ${file}; start ${commandLine('serve')} (or ${commandLine('migrate')} for an empty one) in the right folder, or set PAPERBOY_DB`);
}

/** Waits while another process (a running server) holds the database's write lock, saying so after a second. */
async function waitForLock(): Promise<void> {
  const { waitForDatabase } = await import('./db/lock.js');
  await waitForDatabase(resolve(config().PAPERBOY_DB), { onWait: (line) => console.error(`paperboy: ${line}`) });
}

/** Runs `fn` with a fully wired context over an existing database, closing it afterwards. */
async function withContext(fn: (ctx: Context) => Promise<void> | void): Promise<void> {
  requireDb(config());
  await waitForLock();
  const { createContext, closeContext } = await import('./context.js');
  const { LOCK_WAIT_MS } = await import('./db/lock.js');
  const ctx = await createContext(config(), { busyTimeoutMs: LOCK_WAIT_MS });
  try {
    await fn(ctx);
  } finally {
    await closeContext(ctx);
  }
}

/** Runs `fn` with just the migrated database (no mail, no templates) of an existing file, closing it afterwards. */
async function withDb(fn: (db: Db, config: Config) => Promise<void>): Promise<void> {
  requireDb(config());
  await waitForLock();
  const { closeDb, openDb } = await import('./db/open.js');
  const { migrate } = await import('./db/migrate.js');
  const { LOCK_WAIT_MS } = await import('./db/lock.js');
  const db = openDb(config().PAPERBOY_DB, { busyTimeoutMs: LOCK_WAIT_MS });
  try {
    migrate(db);
    await fn(db, config());
  } finally {
    await closeDb(db);
  }
}

/** Refuses to mail links built on another PUBLIC_URL than the one `serve` runs with. */
async function refuseOtherPublicUrl(ctx: Context): Promise<void> {
  const { recordedPublicUrl } = await import('./store/settings.js');
  const served = recordedPublicUrl(ctx.db);
  if (served === null || served === ctx.config.PUBLIC_URL) return;
  throw new Error(`PUBLIC_URL is ${ctx.config.PUBLIC_URL} here, but ${commandLine('serve')} runs with ${served}: the links in these mails would not work. ` +
    `Give this command the server's settings (PUBLIC_URL=${served}, e.g. in a .env file in this folder)`);
}

/** Learns the semantic space again when papers were stored since it was learned (src/semantic-space.ts: seconds of
 *  CPU), saying so on `print` (stderr where stdout carries the command's output). */
async function refreshSpaceSaying(db: Db, print = (line: string) => console.error(line)): Promise<void> {
  const { refreshSpace, spaceIsStale } = await import('./semantic-space.js');
  if (!spaceIsStale(db)) return;
  if (process.stderr.isTTY) console.error('paperboy: learning the semantic space from the recent papers…');
  const r = refreshSpace(db);
  if (r) print(`learned the semantic space from ${r.papers} papers (${r.width} dimensions${r.entries ? `; ${r.entries} library entries folded in` : ''}) in ${r.secs.toFixed(1)} s`);
}

/** Asks a question on standard error and resolves with the line answered on standard input ('' at its end: a script
 *  with nothing to say, or /dev/null, answers no). */
async function ask(question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  process.stderr.write(question);
  try {
    for await (const line of rl) return line;
    return '';
  } finally {
    rl.close();
  }
}

/** What a digest run did, in one line: a dry run says what it would do; a run with nothing due says why that can be. */
function runLine(c: RunReport, o: { dryRun: boolean; stopped: boolean; active: number }): string {
  const line = o.dryRun
    ? `dry run: due ${c.due}, would send ${c.sent}, would skip ${c.skipped}; nothing was sent or recorded`
    : `due ${c.due}, sent ${c.sent}, skipped ${c.skipped}, failed ${c.failed}` + (c.retrying ? `, retrying later ${c.retrying}` : '');
  const why = c.due > 0 ? '' : o.active === 0 ? ' (no subscriber has confirmed yet)'
    : ` (nothing due now: ${o.active === 1 ? 'the one active subscriber has' : `each of the ${o.active} active subscribers has`} today's digest already, sent by ${commandLine('serve')} ` +
      `within a minute of their hour (${commandLine('deliveries --all')} lists them), or their hour has not come yet)`;
  return line + why + (o.stopped ? ' (stopped early)' : '');
}

/** A size in MB for the operator. */
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/** Rewrites an older database file so that pruned space goes back to the file system; a sentence saying what happened. */
async function convertFile(file: string): Promise<string> {
  const { convertToIncrementalVacuum, openAlone } = await import('./db/maintenance.js');
  const { db } = openAlone(file);
  if (!db) return `${file} is in use by another process: stop ${commandLine('serve')} and run ${commandLine('migrate')} again, so that pruned space goes back to the file system (until then it is reused)`;
  try {
    const t = Date.now();
    convertToIncrementalVacuum(db);
    return `rewrote ${file} in ${((Date.now() - t) / 1000).toFixed(1)} s: pruned space now goes back to the file system (once; needs as much free disk as the file)`;
  } finally {
    db.close();
  }
}

/** The `--format` value, checked against the known formats. */
const parseFormat = (v: string): Format => {
  if (!(FORMATS as readonly string[]).includes(v)) throw new InvalidArgumentError(`unknown format "${v}"; expected one of ${FORMATS.join(', ')}`);
  return v as Format;
};

const parseInstant = (v: string): Date => {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError('expected an ISO 8601 time such as 2026-11-29T08:00:00Z');
  return d;
};

/** This checkout's version, from its package.json (the same file from src/ and dist/). */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** Builds the `paperboy` command line. */
export function program(): Command {
  loaded = undefined;
  linksNeeded = true;
  const cli = new Command('paperboy').description('Daily research-paper digests, ranked for each subscriber').showHelpAfterError()
    .version(`paperboy ${version()} (Node ${process.versions.node})`, '-v, --version', 'print the version');
  // Before any command runs: the configuration is read (a bad value stops here), and a person at a terminal is told which database is used.
  cli.hook('preAction', (_program, action) => {
    linksNeeded = LINK_COMMANDS.has(action.name());
    const file = resolve(config().PAPERBOY_DB);
    if (process.stderr.isTTY) console.error(`paperboy: database ${file}`);
  });

  cli.command('serve').description('run the HTTP server and the scheduler')
    .option('--no-sample', 'do not store the bundled sample papers when the database is empty')
    .action(async (opts: { sample: boolean }) => (await import('./server.js')).serve(config(), { sample: opts.sample }));

  cli.command('migrate').description('apply pending database migrations (and, once, let an older file give pruned space back)').action(async () => {
    const { openDb } = await import('./db/open.js');
    const { migrate } = await import('./db/migrate.js');
    const { returnsSpace } = await import('./db/maintenance.js');
    const { LOCK_WAIT_MS } = await import('./db/lock.js');
    await waitForLock();
    const db = openDb(config().PAPERBOY_DB, { busyTimeoutMs: LOCK_WAIT_MS });
    const applied = migrate(db);
    const convert = !returnsSpace(db);
    db.close();
    console.log(applied.length ? `applied ${applied.join(', ')}` : `${resolve(config().PAPERBOY_DB)} is up to date`);
    if (convert) console.log(await convertFile(config().PAPERBOY_DB));
  });

  cli.command('backup').description('write a consistent copy of the database to <file>, also while `paperboy serve` runs and sends')
    .argument('<file>', 'the copy to write, e.g. /backup/paperboy-$(date +%F).db (replaced if it exists)')
    .action(async (file: string) => {
      requireDb(config());
      const { backupDatabase } = await import('./db/backup.js');
      const r = await backupDatabase(config().PAPERBOY_DB, file);
      console.log(`backed up ${resolve(config().PAPERBOY_DB)} to ${resolve(file)} (${mb(r.bytes)}, ${(r.ms / 1000).toFixed(1)} s; integrity check ok). ` +
        'The search index is not in it: after a restore it is rebuilt from the papers');
    });

  cli.command('restore').description('replace the database with a backup made by `paperboy backup` (stop `paperboy serve` first)')
    .argument('<file>', 'the backup')
    .action(async (file: string) => {
      const { restoreDatabase } = await import('./db/backup.js');
      const r = await restoreDatabase(config().PAPERBOY_DB, file);
      console.log(`restored ${resolve(file)} into ${resolve(config().PAPERBOY_DB)} (${mb(r.bytes)}, ${(r.ms / 1000).toFixed(1)} s)` +
        (r.kept ? `; the database as it was is in ${resolve(r.kept)}, and its newest ids carried over (links mailed after the backup name nobody new)` : '') +
        '. The search index is rebuilt at the next start');
    });

  cli.command('prune').description('delete the history RETENTION_DAYS no longer keeps and give the space back (serve does this daily)')
    .option('--dry-run', 'count what would be deleted; delete nothing')
    .action((opts: { dryRun?: boolean }) => withDb(async (db, c) => {
      const { countPrunable, keptFrom } = await import('./store/retention.js');
      const { describePrune, pruneHistory } = await import('./jobs/retention.js');
      if (!opts.dryRun) return console.log(describePrune(await pruneHistory(db, { days: c.RETENTION_DAYS })));
      const kept = keptFrom(new Date(), c.RETENTION_DAYS);
      const n = countPrunable(db, kept);
      console.log(`dry run (RETENTION_DAYS=${c.RETENTION_DAYS}): would delete ${n.digests} digests of days before ${kept.digestsFrom} ` +
        `(${n.digestItems} papers listed in them, ${n.deliveryAttempts} delivery attempts), ${n.ingestRuns} ingest runs, ` +
        `${n.signupAttempts} sign-up attempts, ${n.mailEvents} bounce and complaint reports, ${n.unconfirmed} sign-ups never confirmed, ` +
        `${n.changes} change-log rows`);
    }));

  cli.command('ingest').description('ingest papers from files or http(s) URLs (format detected, or --format)')
    .argument('<sources...>', 'files (.gz allowed) or URLs')
    .option('--format <format>', `parse as ${FORMATS.join(' | ')}`, parseFormat)
    .action((sources: string[], opts: { format?: Format }) => withDb(async (db, config) => {
      const { ingestCommand } = await import('./ingest/commands.js');
      const failed = await ingestCommand({ db, publicUrl: config.PUBLIC_URL }, sources, opts.format);
      await refreshSpaceSaying(db, console.log);
      process.exitCode = failed ? 1 : 0;
    }));

  cli.command('export').description('write every stored paper as JSONL (the format `ingest` reads back)')
    .option('--out <file>', 'write to this file instead of standard output')
    .action((opts: { out?: string }) => withDb(async (db) => {
      const { exportCommand } = await import('./ingest/commands.js');
      const n = await exportCommand(db, opts.out);
      if (opts.out) console.log(`exported ${n} papers to ${opts.out}`);
    }));

  cli.command('sources').description('show the latest ingest runs: source, counts, errors')
    .option('--limit <n>', 'how many runs', (v) => parseInt(v, 10), 20)
    .action((opts: { limit: number }) => withDb(async (db) => {
      const { sourcesCommand } = await import('./ingest/commands.js');
      sourcesCommand(db, opts.limit).forEach((l) => console.log(l));
    }));

  const feeds = cli.command('feeds').description("journals' table-of-contents feeds (RSS 1.0, RSS 2.0, Atom): each a source subscribers can follow");
  feeds.command('list').description('every journal feed, with the code its papers carry (those of PAPERBOY_FEEDS too)')
    .action(() => withDb(async (db, config) => {
      const { listCommand } = await import('./ingest/feed-commands.js');
      listCommand(db, config.PAPERBOY_FEEDS).forEach((l) => console.log(l));
    }));
  feeds.command('add').description('keep a journal feed: serve fetches it at every ingest').argument('<url>', 'the feed\'s http(s) URL')
    .option('--name <name>', 'the name subscribers see (default: the feed\'s own title)')
    .action((url: string, opts: { name?: string }) => withDb(async (db) => {
      const { addCommand } = await import('./ingest/feed-commands.js');
      addCommand(db, url, opts.name).forEach((l) => console.log(l));
    }));
  feeds.command('remove').description('stop fetching a journal feed (its papers stay)').argument('<url-or-code>', 'the feed\'s URL or code')
    .action((what: string) => withDb(async (db, config) => {
      const { removeCommand } = await import('./ingest/feed-commands.js');
      removeCommand(db, what, config.PAPERBOY_FEEDS).forEach((l) => console.log(l));
    }));
  feeds.command('import').description('keep every feed an OPML file (a feed reader\'s export) lists').argument('<file>', 'the OPML file')
    .action((file: string) => withDb(async (db) => {
      const { importCommand } = await import('./ingest/feed-commands.js');
      importCommand(db, file).forEach((l) => console.log(l));
    }));

  cli.command('search').description('find stored papers whose title, abstract or authors hold every word given')
    .argument('<words...>', 'words to look for').option('--limit <n>', 'how many papers', (v) => parseInt(v, 10), 20)
    .action((words: string[], opts: { limit: number }) => withDb(async (db) => {
      const { searchPapers } = await import('./store/search.js');
      const found = searchPapers(db, words.join(' '), opts.limit);
      found.forEach((p) => console.log(`${p.id}  ${p.title}`));
      if (found.length === 0) console.log('no stored paper matches');
    }));

  cli.command('digest').description('send every digest due now (or at --now), retrying deferred ones until they are done')
    .option('--now <time>', 'act as if it were this ISO 8601 time', parseInstant)
    .option('--dry-run', 'rank and render, but send and record nothing')
    .option('--no-wait', 'leave deferred digests to a later run instead of waiting for their retries')
    .action((opts: { now?: Date; dryRun?: boolean; wait: boolean }) => withContext(async (ctx) => {
      if (!opts.dryRun) await refuseOtherPublicUrl(ctx);
      await refreshSpaceSaying(ctx.db);
      const { deliver } = await import('./mail/sender.js');
      const { progressBar } = await import('./progress.js');
      // SIGTERM/SIGINT: take no new work, finish and record what is in flight, then exit.
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
      const bar = progressBar('subscribers [{bar}] {value}/{total} | sent {sent} · skipped {skipped} · failed {failed}');
      try {
        const c = await deliver(ctx, opts.now ?? new Date(), {
          dryRun: opts.dryRun, signal: stop.signal, waitForRetries: opts.wait,
          onProgress: (checked, total, r) => bar.update(checked, total, { sent: r.sent, skipped: r.skipped, failed: r.failed }),
        });
        bar.stop();
        const { countActive } = await import('./store/subscribers.js');
        console.log(runLine(c, { dryRun: opts.dryRun ?? false, stopped: stop.signal.aborted || !!c.relayRefused, active: countActive(ctx.db) }));
        if (c.relayRefused) {
          console.error(`STOPPED: the SMTP relay refused ${c.relayRefused}. That is not the recipients' addresses: nobody was suspended for it, ` +
            `and the subscribers not reached yet are still due. Check SMTP_URL and the relay, then run ${commandLine('digest')} again; ` +
            'until a digest is accepted, runs send one at a time and stop at the first refusal alike');
        }
        process.exitCode = c.failed || c.retrying || c.relayRefused ? 1 : 0;
      } finally {
        bar.stop();
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
    }));

  cli.command('deliveries').description("list a day's digests and their outcome; totals sent + failed + uncertain + skipped = due")
    .option('--date <YYYY-MM-DD>', "the subscribers' local day (default: today, UTC)")
    .option('--all', 'list every digest, not only the ones that were not sent')
    .action((opts: { date?: string; all?: boolean }) => {
      const date = opts.date ?? new Date().toISOString().slice(0, 10);
      if (!/^\d{4}-\d\d-\d\d$/.test(date)) throw new InvalidArgumentError('--date must look like 2026-11-29');
      return withContext(async (ctx) => {
        const { printDeliveries } = await import('./mail/deliveries.js');
        printDeliveries(ctx.db, date, { all: opts.all ?? false, now: new Date() }, console.log);
      });
    });

  cli.command('bounces').description('read the bounce mailbox (BOUNCE_IMAP_URL) once now, as the scheduler does every BOUNCE_IMAP_INTERVAL_MS')
    .option('--dry-run', 'read and classify the mail, but record, move and remember nothing')
    .action((opts: { dryRun?: boolean }) => withContext(async (ctx) => {
      if (!ctx.config.BOUNCE_IMAP_URL) throw new Error('BOUNCE_IMAP_URL is not set: there is no bounce mailbox to read');
      const { describeMailboxError, mailboxAddress, readBounceMailbox } = await import('./bounces/mailbox.js');
      const box = mailboxAddress(ctx.config.BOUNCE_IMAP_URL);
      const p = await readBounceMailbox(ctx, { dryRun: opts.dryRun }).catch((err: unknown) => {
        throw new Error(`bounce mailbox ${box.name}: ${describeMailboxError(err, box)}`);
      });
      console.log(`${opts.dryRun ? 'dry run: ' : ''}${box.name}: read ${p.read}: handled ${p.handled} (recorded ${p.recorded}, seen before ${p.repeats}), ` +
        `left in the mailbox: unknown ${p.unknown}, malformed ${p.malformed}`);
    }));

  cli.command('mail-test').description('send one test mail through the configured relay (SMTP_URL, else the outbox folder) and print what it answered')
    .argument('<address>', 'where to send it: your own address')
    .action((address: string) => {
      if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(address)) throw new InvalidArgumentError(`"${address}" is not an email address such as you@lab.example.org`);
      return withContext(async (ctx) => {
        const { mailTest } = await import('./mail/mail-test.js');
        const r = await mailTest(ctx, address);
        r.lines.forEach((l) => console.log(l));
        process.exitCode = r.sent ? 0 : 1;
      });
    });

  cli.command('preview').description("render a subscriber's next digest without sending or recording it")
    .argument('<email>', 'the subscriber').option('--html <file>', 'write the HTML part to this file')
    .option('--now <time>', 'act as if it were this ISO 8601 time', parseInstant)
    .option('--json', 'print the ranked list as JSON: [{id, title, score, why}]')
    .action((email: string, opts: { html?: string; now?: Date; json?: boolean }) => withContext(async (ctx) => {
      const { findByEmail } = await import('./store/subscribers.js');
      const { localDayHour } = await import('./digest/due.js');
      const { buildDigest } = await import('./digest/build.js');
      const sub = findByEmail(ctx.db, email);
      if (!sub) throw new Error(`no subscriber ${email}`);
      await refreshSpaceSaying(ctx.db);
      const now = opts.now ?? new Date();
      const built = buildDigest(ctx, sub, localDayHour(now, sub.timezone).date, now);
      if (opts.html) writeFileSync(opts.html, built.body.html);
      if (opts.json) {
        const list = built.ranked.map((r) => ({ id: r.paper.id, title: r.paper.title, score: r.score, why: r.why }));
        console.log(JSON.stringify(list, null, 2));
      } else {
        console.log(`Subject: ${built.model.subject}\n\n${built.body.text}`);
      }
    }));
  subscriberCommands(cli);
  return cli;
}

/** The `--status` value, checked against the statuses. */
const parseStatus = (v: string): SubscriberStatus => {
  if (!['pending', 'active', 'unsubscribed'].includes(v)) throw new InvalidArgumentError('expected pending, active or unsubscribed');
  return v as SubscriberStatus;
};

/** A day or instant for --all-since, as the ISO text suspensions are stored in. */
function parseSince(value: string): string {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
  if (Number.isNaN(t)) throw new InvalidArgumentError('expected a date such as 2026-11-29 or an ISO time');
  return new Date(t).toISOString();
}

/** `paperboy subscribers list | remove | blocked | unblock | unsuspend | invite`. */
function subscriberCommands(cli: Command): void {
  const subs = cli.command('subscribers').description('list, invite, remove, block and unblock, and unsuspend subscribers');

  subs.command('list').description('every subscriber: status, address, day signed up, schedule, interests')
    .option('--status <status>', 'only pending, active or unsubscribed ones', parseStatus)
    .option('--json', 'print a JSON array')
    .action((opts: { status?: SubscriberStatus; json?: boolean }) => withDb(async (db) => {
      const { listCommand } = await import('./admin/subscribers.js');
      listCommand(db, opts).forEach((l) => console.log(l));
    }));

  subs.command('remove').description('erase a subscriber and block the address (as their "delete my data" button does), after asking')
    .argument('<email>', 'the address')
    .option('-y, --yes', 'remove without asking')
    .action((email: string, opts: { yes?: boolean }) => withDb(async (db, c) => {
      const { describeForRemoval, removeCommand } = await import('./admin/subscribers.js');
      const { tokenSecret } = await import('./store/settings.js');
      if (!opts.yes) {
        const question = `${describeForRemoval(db, email)}\nRemove it? Its data is erased for good and the address is blocked. [y/N] `;
        if (!/^y(es)?$/i.test((await ask(question)).trim())) {
          console.log(`not removed (answer y to remove, or add --yes)`);
          process.exitCode = 1;
          return;
        }
      }
      console.log(removeCommand(db, tokenSecret(db, c.PAPERBOY_SECRET), email));
    }));

  subs.command('blocked').description('list the blocked addresses (removed, data deleted, spam complaints), or say whether one is')
    .argument('[email]', 'the address to look up (only a hash of each blocked address is kept, so the list names none)')
    .action((email: string | undefined) => withDb(async (db, c) => {
      const { blockedCommand } = await import('./admin/subscribers.js');
      const { tokenSecret } = await import('./store/settings.js');
      blockedCommand(db, tokenSecret(db, c.PAPERBOY_SECRET), email).forEach((l) => console.log(l));
    }));

  subs.command('unblock').description('lift the block of an address, so it may be invited again (its owner can always sign up again themselves)')
    .argument('<email>', 'the address')
    .action((email: string) => withDb(async (db, c) => {
      const { unblockCommand } = await import('./admin/subscribers.js');
      const { tokenSecret } = await import('./store/settings.js');
      const r = unblockCommand(db, tokenSecret(db, c.PAPERBOY_SECRET), email);
      console.log(r.line);
      process.exitCode = r.changed ? 0 : 1;
    }));

  subs.command('unsuspend').description('lift the suspension of an address (bounces), or of every one made since a date (after a relay refused everyone)')
    .argument('[email]', 'the address')
    .option('--all-since <date>', 'every suspension made on or after this day (YYYY-MM-DD) or ISO time', parseSince)
    .action((email: string | undefined, opts: { allSince?: string }) => withDb(async (db) => {
      if (!email === !opts.allSince) throw new Error('give an address or --all-since DATE (one of them)');
      const { unsuspendCommand } = await import('./admin/subscribers.js');
      unsuspendCommand(db, { email, since: opts.allSince }).forEach((l) => console.log(l));
    }));

  subs.command('invite').description('sign up each address in a file as the form does, each mailed an invitation; addresses already subscribed, unsubscribed or blocked are passed over; nobody is subscribed until they confirm')
    .argument('<file>', 'one address per line (Ada Lovelace <ada@…> too), or CSV: address,keyword,keyword… (or a header line: email,keywords,categories,authors,timezone,hour)')
    .action((file: string) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new Error(`cannot read ${file}: ${(err as Error).message}`);
      }
      return withContext(async (ctx) => {
        await refuseOtherPublicUrl(ctx);
        const { inviteCommand } = await import('./admin/subscribers.js');
        const r = await inviteCommand(ctx, text);
        r.bad.forEach((b) => console.log(`line ${b.line}: ${b.reason}`));
        r.skipped.forEach((b) => console.log(`line ${b.line}: ${b.reason}`));
        console.log(`invited ${r.invited}: each gets an invitation from ${ctx.config.INSTANCE_CONTACT ?? `the people who run ${ctx.config.INSTANCE_NAME}`} ` +
          `(${String(ctx.config.DEFAULT_HOUR).padStart(2, '0')}:00 ${ctx.config.DEFAULT_TIMEZONE} unless the file says otherwise), and nobody is subscribed until they confirm; ` +
          `mail goes to ${ctx.transport.describe()}`);
        if (r.skipped.length) console.log(`${r.skipped.length} address${r.skipped.length === 1 ? '' : 'es'} passed over (above): already subscribed, unsubscribed or blocked`);
        if (r.bad.length) console.log(`${r.bad.length} line${r.bad.length === 1 ? '' : 's'} refused (above)`);
        process.exitCode = r.bad.length ? 1 : 0;
      });
    });
}

/** Runs the CLI with process arguments; exits 1 with a one-line message on error. */
export async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv);
  } catch (err) {
    // A statement that waited the whole busy timeout: say who held the lock, not SQLite's "database is locked".
    const { isBusy, lockedError } = await import('./db/lock.js');
    const shown = isBusy(err) && loaded ? lockedError(resolve(loaded.PAPERBOY_DB)) : err;
    console.error(`paperboy: ${shown instanceof Error ? shown.message : String(shown)}`);
    process.exitCode = 1;
  }
}
