import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { withContext, refreshSpaceSaying, parseInstant } from './shared.js';

/** `paperboy preview`: render a subscriber's next digest without sending or recording it. */
export function previewCommand(cli: Command): void {
  cli.command('preview').description("render a subscriber's next digest without sending or recording it")
    .argument('<email>', 'the subscriber').option('--html <file>', 'write the HTML part to this file')
    .option('--now <time>', 'act as if it were this ISO 8601 time', parseInstant)
    .option('--json', 'print the ranked list as JSON: [{id, title, score, why}]')
    .action((email: string, opts: { html?: string; now?: Date; json?: boolean }) => withContext(async (ctx) => {
      const { findByEmail } = await import('../store/subscribers.js');
      const { localDayHour } = await import('../digest/due.js');
      const { buildDigest } = await import('../digest/build.js');
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
}
