import { type Command, InvalidArgumentError } from 'commander';
import { withContext } from './shared.js';

/** `paperboy mail-test`: send one test mail through the configured relay (SMTP_URL, else the outbox folder) and print what it answered. */
export function mailTestCommand(cli: Command): void {
  cli.command('mail-test').description('send one test mail through the configured relay (SMTP_URL, else the outbox folder) and print what it answered')
    .argument('<address>', 'where to send it: your own address')
    .action((address: string) => {
      if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(address)) throw new InvalidArgumentError(`"${address}" is not an email address such as you@lab.example.org`);
      return withContext(async (ctx) => {
        const { mailTest } = await import('../mail/mail-test.js');
        const r = await mailTest(ctx, address);
        r.lines.forEach((l) => console.log(l));
        process.exitCode = r.sent ? 0 : 1;
      });
    });
}
