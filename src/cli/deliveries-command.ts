import { type Command, InvalidArgumentError } from 'commander';
import { withContext } from './shared.js';

/** `paperboy deliveries`: list a day's digests and their outcome; totals sent + failed + uncertain + skipped = due. */
export function deliveriesCommand(cli: Command): void {
  cli.command('deliveries').description("list a day's digests and their outcome; totals sent + failed + uncertain + skipped = due")
    .option('--date <YYYY-MM-DD>', "the subscribers' local day (default: today, UTC)")
    .option('--all', 'list every digest, not only the ones that were not sent')
    .action((opts: { date?: string; all?: boolean }) => {
      const date = opts.date ?? new Date().toISOString().slice(0, 10);
      if (!/^\d{4}-\d\d-\d\d$/.test(date)) throw new InvalidArgumentError('--date must look like 2026-11-29');
      return withContext(async (ctx) => {
        const { printDeliveries } = await import('../mail/deliveries.js');
        printDeliveries(ctx.db, date, { all: opts.all ?? false, now: new Date() }, console.log);
      });
    });
}
