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
