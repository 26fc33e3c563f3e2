import { Command, InvalidArgumentError } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from './config.js';
import type { Context } from './context.js';

// Commands load their modules on use: MJML and Fastify take a second to load, `--help` should not wait.

/** Runs `fn` with a fully wired context, closing it afterwards. */
async function withContext(fn: (ctx: Context) => Promise<void> | void): Promise<void> {
  const { createContext, closeContext } = await import('./context.js');
  const ctx = await createContext(loadConfig());
  try {
    await fn(ctx);
  } finally {
    closeContext(ctx);
  }
}

const parseInstant = (v: string): Date => {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError('expected an ISO 8601 time such as 2026-11-29T08:00:00Z');
  return d;
};

/** Builds the `paperboy` command line. */
export function program(): Command {
  const cli = new Command('paperboy').description('Daily research-paper digests, ranked for each subscriber').showHelpAfterError();

  cli.command('serve').description('run the HTTP server and the scheduler')
    .action(async () => (await import('./server.js')).serve(loadConfig()));

  cli.command('migrate').description('apply pending database migrations').action(async () => {
    const config = loadConfig();
    const { openDb } = await import('./db/open.js');
    const { migrate } = await import('./db/migrate.js');
    const db = openDb(config.PAPERBOY_DB);
    const applied = migrate(db);
    db.close();
    console.log(applied.length ? `applied ${applied.join(', ')}` : `${resolve(config.PAPERBOY_DB)} is up to date`);
  });

  cli.command('ingest').description('ingest paper listings from files').argument('<sources...>', 'files to ingest')
    .action((sources: string[]) => withContext(async (ctx) => {
      const { ingestListingFile } = await import('./ingest/sample.js');
      for (const source of sources) {
        const r = ingestListingFile(ctx.db, source);
        console.log(`${source}: ${r.added} new, ${r.updated} updated, ${r.rejected.length} rejected`);
        for (const x of r.rejected) console.log(`  rejected ${x.where}: ${x.reason}`);
      }
    }));

  cli.command('digest').description('send every digest due now (or at --now)')
    .option('--now <time>', 'act as if it were this ISO 8601 time', parseInstant)
    .option('--dry-run', 'rank and render, but send and record nothing')
    .action((opts: { now?: Date; dryRun?: boolean }) => withContext(async (ctx) => {
      const { sendDueDigests } = await import('./mail/sender.js');
      const c = await sendDueDigests(ctx, opts.now ?? new Date(), { dryRun: opts.dryRun });
      console.log(`${opts.dryRun ? 'dry run: ' : ''}due ${c.due}, sent ${c.sent}, skipped ${c.skipped}, failed ${c.failed}`);
      process.exitCode = c.failed ? 1 : 0;
    }));

  cli.command('preview').description("render a subscriber's next digest without sending or recording it")
    .argument('<email>', 'the subscriber').option('--html <file>', 'write the HTML part to this file')
    .option('--now <time>', 'act as if it were this ISO 8601 time', parseInstant)
    .action((email: string, opts: { html?: string; now?: Date }) => withContext(async (ctx) => {
      const { findByEmail } = await import('./store/subscribers.js');
      const { localDayHour } = await import('./digest/due.js');
      const { buildDigest } = await import('./mail/sender.js');
      const sub = findByEmail(ctx.db, email);
      if (!sub) throw new Error(`no subscriber ${email}`);
      const now = opts.now ?? new Date();
      const built = buildDigest(ctx, sub, localDayHour(now, sub.timezone).date, now);
      if (opts.html) writeFileSync(opts.html, built.body.html);
      console.log(`Subject: ${built.model.subject}\n\n${built.body.text}`);
    }));
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
