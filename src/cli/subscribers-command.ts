import { type Command, InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import type { SubscriberStatus } from '../model.js';
import { ask, refuseOtherPublicUrl, withContext, withDb } from './shared.js';

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
export function subscribersCommand(cli: Command): void {
  const subs = cli.command('subscribers').description('list, invite, remove, block and unblock, and unsuspend subscribers');

  subs.command('list').description('every subscriber: status, address, day signed up, schedule, interests')
    .option('--status <status>', 'only pending, active or unsubscribed ones', parseStatus)
    .option('--json', 'print a JSON array')
    .action((opts: { status?: SubscriberStatus; json?: boolean }) => withDb(async (db) => {
      const { listCommand } = await import('../admin/subscribers.js');
      listCommand(db, opts).forEach((l) => console.log(l));
    }));

  subs.command('remove').description('erase a subscriber and block the address (as their "delete my data" button does), after asking')
    .argument('<email>', 'the address')
    .option('-y, --yes', 'remove without asking')
    .action((email: string, opts: { yes?: boolean }) => withDb(async (db, c) => {
      const { describeForRemoval, removeCommand } = await import('../admin/subscribers.js');
      const { tokenSecret } = await import('../store/settings.js');
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
      const { blockedCommand } = await import('../admin/subscribers.js');
      const { tokenSecret } = await import('../store/settings.js');
      blockedCommand(db, tokenSecret(db, c.PAPERBOY_SECRET), email).forEach((l) => console.log(l));
    }));

  subs.command('unblock').description('lift the block of an address, so it may be invited again (its owner can always sign up again themselves)')
    .argument('<email>', 'the address')
    .action((email: string) => withDb(async (db, c) => {
      const { unblockCommand } = await import('../admin/subscribers.js');
      const { tokenSecret } = await import('../store/settings.js');
      const r = unblockCommand(db, tokenSecret(db, c.PAPERBOY_SECRET), email);
      console.log(r.line);
      process.exitCode = r.changed ? 0 : 1;
    }));

  subs.command('unsuspend').description('lift the suspension of an address (bounces), or of every one made since a date (after a relay refused everyone)')
    .argument('[email]', 'the address')
    .option('--all-since <date>', 'every suspension made on or after this day (YYYY-MM-DD) or ISO time', parseSince)
    .action((email: string | undefined, opts: { allSince?: string }) => withDb(async (db) => {
      if (!email === !opts.allSince) throw new Error('give an address or --all-since DATE (one of them)');
      const { unsuspendCommand } = await import('../admin/subscribers.js');
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
        const { inviteCommand } = await import('../admin/subscribers.js');
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
