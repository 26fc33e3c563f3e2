// The server's library reader: every library is read whole (parse.ts: the format, Citation.js, the entries) on a
// worker thread, one library at a time, with a heap of READ_LIMITS.memoryMb and READ_LIMITS.timeMs for each. A library
// past either ends the thread (the next library starts a new one) and is refused; the server's own thread never reads
// library text, so a hostile one costs the others a wait of at most the time limit.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startThread, ThreadStopped, type WorkerThread } from '../worker-thread.js';
import { readLibraryText, type TextSource } from './parse.js';
import { type LibraryRead, LibraryError, LibraryOverLimit, LibraryTooLarge, READ_LIMITS } from './read.js';

/** The compiled parse.ts, which the thread runs (a thread cannot load TypeScript): the same path from dist/library/
 *  and from src/library/ under vitest. `npm ci` (prepare) and `npm test` build it first. */
const COMPILED = fileURLToPath(new URL('../../dist/library/parse.js', import.meta.url));

/** A request to the thread: a library's text, the most references it may hold, and how it arrived. */
interface ReadRequest {
  text: string;
  max: number;
  from: TextSource;
}

/** The thread's side: parse.ts, loaded from the compiled file. Runs as source text (see worker-thread.ts). */
function threadMain(data: { module: string }) {
  const { readLibraryText: read } = require(data.module);
  return { handle: (r: { text: string; max: number; from: object }) => read(r.text, r.max, r.from) };
}

/** Reads libraries on a worker thread (started on first use, ended after a minute idle). */
export interface LibraryReader {
  read(text: string, max: number, from?: TextSource): Promise<LibraryRead>;
  close(): void;
}

/** Options of the reader; the defaults are READ_LIMITS (tests force the limits lower). */
export interface ReaderLimits {
  timeMs?: number;
  memoryMb?: number;
}

/** The error the thread's failure stands for: the library errors as parse.ts threw them (they cross the thread as
 *  their name and fields), and a thread ended for its time or memory limit as LibraryOverLimit. */
function asLibraryError(err: unknown, limits: Required<ReaderLimits>): unknown {
  const e = err as Error & { where?: string; reason?: string; entries?: number; max?: number; limit?: string; code?: string };
  if (e.name === 'LibraryError') return new LibraryError(e.where ?? 'the file', e.reason ?? e.message);
  if (e.name === 'LibraryTooLarge') return new LibraryTooLarge(e.entries ?? 0, e.max ?? 0);
  if (e.name === 'LibraryOverLimit') return new LibraryOverLimit(e.limit ?? e.message);
  if (e instanceof ThreadStopped && e.code === 'timeout') return new LibraryOverLimit(`it takes more than ${limits.timeMs / 1000} s to read`);
  if (e instanceof ThreadStopped && e.code === 'ERR_WORKER_OUT_OF_MEMORY') return new LibraryOverLimit(`it needs more than ${limits.memoryMb} MB of memory to read`);
  return err;
}

/** Starts the reader used by the HTTP routes. */
export function startLibraryReader(opts: ReaderLimits = {}): LibraryReader {
  const limits = { timeMs: opts.timeMs ?? READ_LIMITS.timeMs, memoryMb: opts.memoryMb ?? READ_LIMITS.memoryMb };
  const thread: WorkerThread<ReadRequest, LibraryRead> = startThread({
    main: threadMain, workerData: { module: COMPILED }, idleMs: 60_000, restart: true,
    timeoutMs: limits.timeMs, resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb, maxYoungGenerationSizeMb: 32 },
  });
  // One library at a time, so the time limit is each library's own and not the queue's.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    read(text, max, from = {}) {
      if (!existsSync(COMPILED)) return Promise.reject(new Error(`${COMPILED} is missing: build Paperboy first (npm ci or tsc)`));
      const turn = queue.then(() => thread.request({ text, max, from }).catch((err) => { throw asLibraryError(err, limits); }));
      queue = turn.catch(() => undefined);
      return turn;
    },
    close: () => thread.close(),
  };
}

/** Reads a library in this thread (the evaluation and the command line, where nothing else waits). */
export async function readLibrary(text: string, max: number, from: TextSource = {}): Promise<LibraryRead> {
  return readLibraryText(text, max, from);
}
