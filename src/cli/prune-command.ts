import type { Command } from 'commander';
import { withDb } from './shared.js';

/** `paperboy prune`: delete the history RETENTION_DAYS no longer keeps and give the space back (serve does this daily). */
export function pruneCommand(cli: Command): void {
  cli.command('prune').description('delete the history RETENTION_DAYS no longer keeps and give the space back (serve does this daily)')
    .option('--dry-run', 'count what would be deleted; delete nothing')
    .action((opts: { dryRun?: boolean }) => withDb(async (db, c) => {
      const { countPrunable, keptFrom } = await import('../store/retention.js');
      const { describePrune, pruneHistory } = await import('../jobs/retention.js');
      if (!opts.dryRun) return console.log(describePrune(await pruneHistory(db, { days: c.RETENTION_DAYS })));
      const kept = keptFrom(new Date(), c.RETENTION_DAYS);
      const n = countPrunable(db, kept);
      console.log(`dry run (RETENTION_DAYS=${c.RETENTION_DAYS}): would delete ${n.digests} digests of days before ${kept.digestsFrom} ` +
        `(${n.digestItems} papers listed in them, ${n.deliveryAttempts} delivery attempts), ${n.ingestRuns} ingest runs, ` +
        `${n.signupAttempts} sign-up attempts, ${n.mailEvents} bounce and complaint reports, ${n.unconfirmed} sign-ups never confirmed, ` +
        `${n.changes} change-log rows`);
    }));
}
