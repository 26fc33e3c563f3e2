import type { Command } from 'commander';
import { commandLine } from '../command.js';
import type { RunReport } from '../mail/sender.js';
import { withContext, refuseOtherPublicUrl, refreshSpaceSaying, parseInstant } from './shared.js';

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

/** `paperboy digest`: send every digest due now (or at --now), retrying deferred ones until they are done. */
export function digestCommand(cli: Command): void {
  cli.command('digest').description('send every digest due now (or at --now), retrying deferred ones until they are done')
    .option('--now <time>', 'act as if it were this ISO 8601 time', parseInstant)
    .option('--dry-run', 'rank and render, but send and record nothing')
    .option('--no-wait', 'leave deferred digests to a later run instead of waiting for their retries')
    .action((opts: { now?: Date; dryRun?: boolean; wait: boolean }) => withContext(async (ctx) => {
      if (!opts.dryRun) await refuseOtherPublicUrl(ctx);
      await refreshSpaceSaying(ctx.db);
      const { deliver } = await import('../mail/sender.js');
      const { progressBar } = await import('../progress.js');
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
        const { countActive } = await import('../store/subscribers.js');
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
}
