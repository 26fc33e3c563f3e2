// A fixed number of workers pulling from one job source: at most `size` jobs are ever in flight,
// and the source (a generator that claims work as it is pulled) never runs ahead of them.

/**
 * Runs `work` on every item of `source` with at most `size` at once; resolves when the source is
 * drained and all started work is done. A throwing source stops the pulls; the error is rethrown after.
 */
export async function runPool<T>(size: number, source: Iterator<T>, work: (item: T) => Promise<void>): Promise<void> {
  let drained = false;
  let failure: { err: unknown } | undefined;
  const next = (): T | undefined => {
    if (drained) return undefined;
    const r = source.next();
    if (r.done) drained = true;
    return r.done ? undefined : r.value;
  };
  const worker = async () => {
    try {
      for (let item = next(); item !== undefined; item = next()) await work(item);
    } catch (err) {
      failure ??= { err };
      drained = true;
    }
  };
  await Promise.all(Array.from({ length: size }, worker));
  if (failure) throw failure.err;
}

/** Runs each given task with at most `n` running at once; the others wait their turn in order. */
export function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  const waiting: (() => void)[] = [];
  let running = 0;
  return async (task) => {
    // A finishing task hands its slot straight to the next waiter, so `running` never passes n.
    if (running < n) running++;
    else await new Promise<void>((go) => waiting.push(go));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

/** Groups writes: every write asked for in one turn of the event loop is committed in one transaction. */
export function groupCommit(transaction: <T>(fn: () => T) => T): <T>(write: () => T) => Promise<T> {
  let batch: { write: () => unknown; done: (v: unknown) => void; fail: (e: unknown) => void }[] = [];
  const flush = () => {
    const b = batch;
    batch = [];
    try {
      const results = transaction(() => b.map((x) => x.write()));
      b.forEach((x, i) => x.done(results[i]));
    } catch (err) {
      for (const x of b) x.fail(err);
    }
  };
  return <T>(write: () => T) => new Promise<T>((done, fail) => {
    if (batch.push({ write, done: done as (v: unknown) => void, fail }) === 1) setImmediate(flush);
  });
}
