// What a digest thread does (SEND_THREADS, src/mail/digest-thread.ts): rank one subscriber's papers and render their
// mail into its wire form, reading the database through its own connection and writing nothing. The claim, the
// hand-off and every write stay with the send loop, so the exactly-once rules of docs/delivery.md do not change.
import type { Config } from '../config.js';
import { openDb, type Db } from '../db/open.js';
import type { DigestModel } from '../digest/compose.js';
import { makeLinks } from '../links/urls.js';
import { makeRanker, type Ranker } from '../digest/choose.js';
import type { EntryVectors } from '../store/library.js';
import type { SubscriberRecord } from '../store/subscribers.js';
import { loadMailTemplate } from '../templates.js';
import { buildDigestMail, type DigestMailDeps, type DigestWork, type RenderedDigest } from './digest-mail.js';

/** What the thread starts from: the settings, the database file and the link secret of the main context. */
export interface DigestWorkerData {
  config: Config;
  file: string;
  secret: string;
  domain: string;
}

/** One request: a subscriber due on `date`, ranked as of the run's start `runNow` (one ranking model per run). */
export interface DigestRequest {
  runNow: string;
  now: string;
  sub: SubscriberRecord;
  date: string;
  messageId: string;
  memo: boolean;
}

/** A digest built on a thread, with the library vectors its ranking counted for the first time (for the loop to keep). */
export interface ThreadDigest extends RenderedDigest {
  kept: EntryVectors[];
}

/** The thread's handler: a read connection, the compiled template, one ranker per run. */
export async function digestWorker(data: DigestWorkerData): Promise<{ handle(r: DigestRequest): ThreadDigest; close(): void }> {
  const db: Db = openDb(data.file);
  // Reads only: every write (claims, outcomes, library vectors) stays on the send loop's connection.
  db.pragma('query_only = ON');
  db.pragma('cache_size = -8192');
  const ctx: DigestMailDeps = {
    config: data.config, db, domain: data.domain,
    links: makeLinks(data.config.PUBLIC_URL, data.secret),
    templates: { digest: await loadMailTemplate<DigestModel>('digest') },
  };
  let ranker: { run: string; rank: Ranker } | undefined;
  let kept: EntryVectors[] = [];
  return {
    handle(r) {
      // A new run: the week's model is built again, as the send loop's own ranker would be.
      if (ranker?.run !== r.runNow + r.memo) ranker = { run: r.runNow + r.memo, rank: makeRanker(db, new Date(r.runNow), { memo: r.memo, keep: (k) => kept.push(...k) }) };
      const work: DigestWork = { sub: r.sub, date: r.date, messageId: r.messageId };
      kept = [];
      const built = buildDigestMail(ctx, work, ranker.rank(r.sub), new Date(r.now));
      return { ...built, kept };
    },
    close: () => db.close(),
  };
}
