import { type Command, InvalidArgumentError } from 'commander';
import { emailProblem } from '../http/schemas.js';
import { withContext } from './shared.js';

/** `paperboy mail-test`: send one test mail through the configured relay (SMTP_URL, else the outbox folder) and print what it answered. */
export function mailTestCommand(cli: Command): void {
  cli.command('mail-test').description('send one test mail through the configured relay (SMTP_URL, else the outbox folder) and print what it answered')
    .argument('<address>', 'where to send it: your own address')
    .action((address: string) => {
      // The sign-up form's rule and length cap; the pattern this replaced took minutes on a long run of dots.
      const problem = address.length > 254 ? 'is too long' : emailProblem(address);
      if (problem) throw new InvalidArgumentError(`"${address}" is not an email address such as you@lab.example.org: it ${problem}`);
      return withContext(async (ctx) => {
        const { mailTest } = await import('../mail/mail-test.js');
        const r = await mailTest(ctx, address);
        r.lines.forEach((l) => console.log(l));
        process.exitCode = r.sent ? 0 : 1;
      });
    });
}
