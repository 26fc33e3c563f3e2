// Threads that rank and render digests beside the send loop (SEND_THREADS): on two cores the loop's thread was the
// limit (1.2–1.7 ms a message with everyone ranked in the run), and ranking with rendering is most of it. Each
// thread reads the database through its own connection and writes nothing; the loop claims, hands over and records.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Db } from '../db/open.js';
import { startThread, type WorkerThread } from '../worker-thread.js';
import type { DigestRequest, DigestWorkerData, ThreadDigest } from './digest-work.js';

/** The pool of digest threads a run asks. */
export interface DigestThreads {
  /** Ranks and renders one digest on the least busy thread. */
  build(request: DigestRequest): Promise<ThreadDigest>;
  close(): Promise<void>;
}

/** The compiled thread module: beside this file in dist/, or, when this file runs as TypeScript (vitest), the same
 *  path under dist/ (`npm test` compiles first). A thread cannot load TypeScript. */
export function workModule(): string {
  const here = fileURLToPath(new URL('./digest-work.js', import.meta.url));
  const file = existsSync(here) ? here : here.replace(/([\\/])src([\\/])mail([\\/])digest-work\.js$/, '$1dist$2mail$3digest-work.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build (SEND_THREADS needs the compiled code)`);
  return pathToFileURL(file).href;
}

/** The thread's side: loads the module (an ES module, hence import()) and hands each request to its handler. */
function threadMain(data: DigestWorkerData & { module: string }) {
  // import() written as text: a test runner rewrites import() calls in the source it serves, and this function runs as
  // source text on a thread where the rewritten name does not exist.
  type Handler = { handle(r: unknown): unknown; close(): void };
  const load = new Function('url', 'return import(url)') as (url: string) => Promise<{ digestWorker(d: unknown): Promise<Handler> }>;
  const ready = load(data.module).then((m) => m.digestWorker(data));
  return {
    handle: (r: unknown) => ready.then((h) => h.handle(r)),
    close: () => { void ready.then((h) => h.close()); },
  };
}

/** How long a digest thread waits for the next run before it ends. Runs with much to send fall at the top of an
 *  hour, minutes apart; a thread kept between them ranks with the model it built (1–2 s of CPU) when the week's
 *  papers have not changed (src/digest/choose.ts), and one ended frees its memory until the next busy hour. */
export const DIGEST_THREAD_IDLE_MS = 10 * 60_000;

/** `n` digest threads over the context's database file, each started at its first digest and ended after `idleMs`
 *  with nothing to do (the next digest starts it again); close() ends them. */
export function startDigestThreads(ctx: Omit<DigestWorkerData, 'file'> & { db: Db }, n: number, idleMs?: number): DigestThreads {
  // Resolved at the first digest: a context built where dist/ is missing fails only if it is asked for one.
  let data: (DigestWorkerData & { module: string }) | undefined;
  const workerData = () => (data ??= { config: ctx.config, file: ctx.db.name, secret: ctx.secret, domain: ctx.domain, module: workModule() });
  const threads: { thread: WorkerThread<DigestRequest, ThreadDigest>; pending: number }[] = [];
  const grow = () => {
    while (threads.length < n) threads.push({ thread: startThread<DigestRequest, ThreadDigest>({ main: threadMain as never, workerData: workerData(), idleMs }), pending: 0 });
  };
  return {
    async build(request) {
      grow();
      const t = threads.reduce((a, b) => (b.pending < a.pending ? b : a));
      t.pending++;
      try {
        return await t.thread.request(request);
      } finally {
        t.pending--;
      }
    },
    close: async () => { await Promise.all(threads.map((t) => t.thread.close())); },
  };
}
