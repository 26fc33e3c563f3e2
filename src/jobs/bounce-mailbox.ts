import { describeMailboxError, mailboxAddress, readBounceMailbox, type MailboxDeps } from '../bounces/mailbox.js';
import { backoffMs } from '../mail/outcome.js';
import { saveMailboxError } from '../store/mail-events.js';

/** The longest wait between two tries at a mailbox that keeps failing. */
const MAX_BACKOFF_MS = 3_600_000;

/** The running bounce mailbox job. */
export interface MailboxJob {
  /** Resolves after the next pass (for tests and the first pass at start). */
  nextPass(): Promise<void>;
  /** Stops the timer and ends a pass in flight. */
  stop(): Promise<void>;
}

/**
 * Reads the bounce mailbox at once and then every BOUNCE_IMAP_INTERVAL_MS. A pass that fails (server down, login
 * refused) is logged and recorded for /healthz, and the next try waits twice as long each time, up to an hour;
 * nothing else in Paperboy waits for it.
 */
export function startMailboxJob(deps: MailboxDeps): MailboxJob {
  const box = mailboxAddress(deps.config.BOUNCE_IMAP_URL!);
  const interval = deps.config.BOUNCE_IMAP_INTERVAL_MS;
  const stopping = new AbortController();
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let waiters: (() => void)[] = [];

  const pass = async () => {
    try {
      const p = await readBounceMailbox(deps, { signal: stopping.signal });
      failures = 0;
      if (p.read) deps.log.info({ mailbox: box.name, ...p }, 'bounce mailbox read');
    } catch (err) {
      if (stopping.signal.aborted) return;
      failures++;
      const why = describeMailboxError(err, box);
      saveMailboxError(deps.db, box.name, why);
      deps.log.warn({ mailbox: box.name, failures, retryInMs: delay(), why }, 'bounce mailbox could not be read; trying again later');
    }
  };

  /** Until the next pass: the interval, or after failures interval × 2^failures, at most an hour. */
  const delay = () => (failures ? backoffMs(failures + 1, interval, Math.max(interval, MAX_BACKOFF_MS)) : interval);

  const run = () => {
    running = pass().finally(() => {
      running = null;
      const woken = waiters;
      waiters = [];
      woken.forEach((w) => w());
      if (!stopping.signal.aborted) timer = setTimeout(run, delay()).unref();
    });
  };
  run();

  return {
    nextPass: () => new Promise<void>((ok) => waiters.push(ok)),
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
