import { Command, InvalidArgumentError } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from './config.js';
import { closeContext, createContext } from './context.js';
import { migrate } from './db/migrate.js';
import { openDb } from './db/open.js';
import { dueDay, localDayHour } from './digest/due.js';
import { ingestListingFile } from './ingest/sample.js';
import { buildDigest, sendDueDigests } from './mail/sender.js';
import { serve } from './server.js';
import { findByEmail } from './store/subscribers.js';

const parseInstant = (v: string): Date => {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError('expected an ISO 8601 time such as 2026-11-29T08:00:00Z');
  return d;
};

/** Builds the `paperboy` command line. */
export function program(): Command {
  const cli = new Command('paperboy').description('Daily research-paper digests, ranked for each subscriber').showHelpAfterError();

  cli.command('serve').description('run the HTTP server and the scheduler').action(() => serve(loadConfig()));

  cli.command('migrate').description('apply pending database migrations').action(() => {
    const config = loadConfig();
    const db = openDb(config.PAPERBOY_DB);
    const applied = migrate(db);
    db.close();
    console.log(applied.length ? `applied ${applied.join(', ')}` : `${resolve(config.PAPERBOY_DB)} is up to date`);
  });

  cli.command('ingest').description('ingest paper listings from files').argument('<sources...>', 'files to ingest')
    .action(async (sources: string[]) => {
      const ctx = await createContext(loadConfig());
      try {
        for (const source of sources) {
          const r = ingestListingFile(ctx.db, source);
          console.log(`${source}: ${r.added} new, ${r.updated} updated, ${r.rejected.length} rejected`);
          for (const x of r.rejected) console.log(`  rejected ${x.where}: ${x.reason}`);
        }
      } finally {
        closeContext(ctx);
      }
    });

  cli.command('digest').description('send every digest due now (or at --now)')
    .option('--now <time>', 'act as if it were this ISO 8601 time', parseInstant)
    .option('--dry-run', 'rank and render, but send and record nothing')
    .action(async (opts: { now?: Date; dryRun?: boolean }) => {
      const ctx = await createContext(loadConfig());
      try {
        const c = await sendDueDigests(ctx, opts.now ?? new Date(), { dryRun: opts.dryRun });
        console.log(`${opts.dryRun ? 'dry run: ' : ''}due ${c.due}, sent ${c.sent}, skipped ${c.skipped}, failed ${c.failed}`);
        process.exitCode = c.failed ? 1 : 0;
      } finally {
        closeContext(ctx);
      }
    });

  cli.command('preview').description("render a subscriber's next digest without sending or recording it")
    .argument('<email>', 'the subscriber').option('--html <file>', 'write the HTML part to this file')
    .option('--now <time>', 'act as if it were this ISO 8601 time', parseInstant)
    .action(async (email: string, opts: { html?: string; now?: Date }) => {
      const ctx = await createContext(loadConfig());
      try {
        const sub = findByEmail(ctx.db, email);
        if (!sub) throw new Error(`no subscriber ${email}`);
        const now = opts.now ?? new Date();
        const date = dueDay(now, sub.timezone, sub.hour) ?? localDayHour(now, sub.timezone).date;
        const built = buildDigest(ctx, sub, date, now);
        if (opts.html) writeFileSync(opts.html, built.body.html);
        console.log(`Subject: ${built.model.subject}\n\n${built.body.text}`);
      } finally {
        closeContext(ctx);
      }
    });
  return cli;
}

/** Runs the CLI with process arguments; exits 1 with a one-line message on error. */
export async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv);
  } catch (err) {
    console.error(`paperboy: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
