import type { Command } from 'commander';
import { withContext } from './shared.js';

/** `paperboy bounces`: read the bounce mailbox (BOUNCE_IMAP_URL) once now, as the scheduler does every BOUNCE_IMAP_INTERVAL_MS. */
export function bouncesCommand(cli: Command): void {
  cli.command('bounces').description('read the bounce mailbox (BOUNCE_IMAP_URL) once now, as the scheduler does every BOUNCE_IMAP_INTERVAL_MS')
    .option('--dry-run', 'read and classify the mail, but record, move and remember nothing')
    .action((opts: { dryRun?: boolean }) => withContext(async (ctx) => {
      if (!ctx.config.BOUNCE_IMAP_URL) throw new Error('BOUNCE_IMAP_URL is not set: there is no bounce mailbox to read');
      const { describeMailboxError, mailboxAddress, readBounceMailbox } = await import('../bounces/mailbox.js');
      const box = mailboxAddress(ctx.config.BOUNCE_IMAP_URL);
      const p = await readBounceMailbox(ctx, { dryRun: opts.dryRun }).catch((err: unknown) => {
        throw new Error(`bounce mailbox ${box.name}: ${describeMailboxError(err, box)}`);
      });
      console.log(`${opts.dryRun ? 'dry run: ' : ''}${box.name}: read ${p.read}: handled ${p.handled} (recorded ${p.recorded}, seen before ${p.repeats}), ` +
        `left in the mailbox: unknown ${p.unknown}, malformed ${p.malformed}`);
    }));
}
