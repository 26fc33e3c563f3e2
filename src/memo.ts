// A value reused for a while: generic, no domain words.

/** Memoises `load()` for `ttlMs`: for what every visitor sees alike and only an ingest changes (the category list). */
export function fresh<T>(ttlMs: number, load: () => T): () => T {
  let value: T | undefined;
  let until = 0;
  return () => {
    if (value === undefined || Date.now() >= until) [value, until] = [load(), Date.now() + ttlMs];
    return value;
  };
}
