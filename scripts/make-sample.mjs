// One-off: cuts the bundled sample (data/sample/papers.jsonl.gz) out of ../shared/data (run from the project root).
// Real Hugging Face daily papers of three weeks (2026-06-10 .. 2026-07-03) that carry arXiv categories, with
// ids, authors, links and upvotes, so a fresh install's pages, sign-up categories and first digest look real.
// No first_seen: papers are new to the store that ingests them.
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';

const SHARED = process.argv[2] ?? '../shared/data';
const out = createGzip({ level: 9 });
out.pipe(createWriteStream('data/sample/papers.jsonl.gz'));
let n = 0;
for await (const line of createInterface({ input: createReadStream(`${SHARED}/hf-daily-papers/all-days.normalized.jsonl.gz`).pipe(createGunzip()) })) {
  if (!line.trim()) continue;
  const p = JSON.parse(line);
  if (!p.categories?.length || p.hf_daily_date < '2026-06-10' || p.hf_daily_date > '2026-07-03') continue;
  out.write(JSON.stringify({
    id: p.id, title: p.title, abstract: p.abstract, authors: p.authors, categories: p.categories, published: p.published,
    url: `https://arxiv.org/abs/${p.id}`, pdf_url: `https://arxiv.org/pdf/${p.id}`, upvotes: p.upvotes ?? 0, comments: p.num_comments ?? 0,
  }) + '\n');
  n++;
}
out.end();
console.log(`data/sample/papers.jsonl.gz: ${n} papers`);
