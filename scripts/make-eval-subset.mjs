// One-off: cuts the committed evaluation subset out of ../shared/data (run from the project root).
// Keeps only the fields the ranker reads, so `npm run eval:rank` works on a fresh clone.
import { createReadStream, createWriteStream } from 'node:fs';
import { createGunzip, createGzip } from 'node:zlib';
import { createInterface } from 'node:readline';

const SHARED = process.argv[2] ?? '../shared/data';

/** Streams a .jsonl.gz file through `keep` into a new .jsonl.gz file. */
async function cut(src, dest, keep) {
  const out = createGzip({ level: 9 });
  out.pipe(createWriteStream(dest));
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(src).pipe(createGunzip()) })) {
    if (!line.trim()) continue;
    const p = keep(JSON.parse(line));
    if (p) { out.write(JSON.stringify(p) + '\n'); n++; }
  }
  out.end();
  console.log(`${dest}: ${n} papers`);
}

await cut(`${SHARED}/arxiv-2026q2/papers.jsonl.gz`, 'data/eval/arxiv-2026-05.jsonl.gz', (p) =>
  p.published >= '2026-05-04' && p.published <= '2026-05-22'
    ? { id: p.id, title: p.title, abstract: p.abstract, authors: p.authors, categories: p.categories, published: p.published }
    : null);
// June: the held-out month of the text-only segments (their weights are tuned on May).
await cut(`${SHARED}/arxiv-2026q2/papers.jsonl.gz`, 'data/eval/arxiv-2026-06.jsonl.gz', (p) =>
  p.published >= '2026-06-01' && p.published <= '2026-06-30'
    ? { id: p.id, title: p.title, abstract: p.abstract, authors: p.authors, categories: p.categories, published: p.published }
    : null);
await cut(`${SHARED}/hf-daily-papers/all-days.normalized.jsonl.gz`, 'data/eval/hf-daily-2026h1.jsonl.gz', (p) =>
  p.hf_daily_date >= '2026-01-01' && p.hf_daily_date <= '2026-06-30'
    ? { id: p.id, title: p.title, abstract: p.abstract, authors: p.authors, categories: p.categories, published: p.hf_daily_date, upvotes: p.upvotes ?? 0 }
    : null);
