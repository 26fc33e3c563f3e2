// The sign-up mailer's timers (src/mail/confirmations.ts sends; this says when): a pass every minute, for the mails
// other processes queued or left behind, and one when the earliest deferred mail falls due.
import type { ConfirmationMailer } from '../mail/confirmations.js';

/** How often the sign-up mailer looks for mails queued by other processes (commands, a server that stopped). */
const MINUTE_MS = 60_000;

/** Starts the sign-up mailer's timers with a pass now (mails queued before a crash go out at once); returns what
 *  stops them. */
export function startSignupMailTimers(mailer: ConfirmationMailer): () => void {
  let retry: NodeJS.Timeout | undefined;
  const minute = setInterval(() => mailer.kick(), MINUTE_MS).unref();
  const off = mailer.onIdle((next) => {
    clearTimeout(retry);
    if (next) retry = setTimeout(() => mailer.kick(), Math.max(0, next.getTime() - Date.now()) + 10).unref();
  });
  mailer.kick();
  return () => {
    clearInterval(minute);
    clearTimeout(retry);
    off();
  };
}
