// Bench data: real papers (the shared arXiv 2026Q2 set when it is beside the project, else the test
// fixtures) and many subscribers with interests drawn from real research phrases.
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { migrate } from '#paperboy/db/migrate.js';
import { openDb } from '#paperboy/db/open.js';
import type { Paper } from '#paperboy/model.js';
import { parseListing } from '#paperboy/ingest/listing.js';
import { upsertPapers } from '#paperboy/store/papers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The shared 2026Q2 arXiv set in a `shared/data` folder beside the project or beside a folder above it (a git worktree). */
function sharedSet(): string | undefined {
  for (let dir = dirname(ROOT); dir !== dirname(dir); dir = dirname(dir)) {
    const file = `${dir}/shared/data/arxiv-2026q2/papers.jsonl.gz`;
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** Phrases subscribers ask for: each subscriber gets one or two (465 distinct profiles). */
export const INTERESTS = [
  'diffusion', 'reinforcement learning', 'vision language', 'retrieval augmented generation', 'graph neural network',
  'speech recognition', 'code generation', 'robot manipulation', 'federated learning', 'protein', 'quantization',
  'mixture of experts', 'video generation', 'hallucination', 'benchmark', 'reasoning', 'multimodal', 'agents',
  'medical imaging', 'point cloud', 'autonomous driving', 'text to image', 'large language models', 'safety',
  'segmentation', 'optimization', 'game theory', 'information theory', 'channel coding', 'rendering',
];

/** `n` real papers: from the shared 2026Q2 arXiv set if present, else the bundled listings (ids made unique). */
export function benchPapers(n: number): { papers: Paper[]; source: string } {
  const shared = sharedSet();
  if (shared) {
    const lines = gunzipSync(readFileSync(shared)).toString('utf8').split('\n').filter(Boolean).slice(0, n);
    const papers = lines.map((l) => JSON.parse(l) as { id: string; title: string; abstract: string; authors: string[]; categories: string[]; published: string })
      .map((p): Paper => ({ ...p, url: `https://arxiv.org/abs/${p.id}` }));
    return { papers, source: 'shared/data/arxiv-2026q2' };
  }
  const base = parseListing(readFileSync(`${ROOT}test/fixtures/hf-papers-page.txt`, 'utf8')).papers;
  const papers = Array.from({ length: n }, (_, i) => ({ ...base[i % base.length], id: `${base[i % base.length].id}-${i}`, title: `${base[i % base.length].title} (${i})` }));
  return { papers, source: 'test/fixtures/hf-papers-page.txt, repeated' };
}

/** Creates a bench database: the papers first seen an hour before `now`, `subscribers` active ones due at 00:00 UTC. */
export function buildBenchDb(file: string, papers: Paper[], subscribers: number, now: Date): void {
  const db = openDb(file);
  migrate(db);
  upsertPapers(db, papers, new Date(now.getTime() - 3_600_000));
  // Direct inserts: the sign-up path is not what is measured.
  const ins = db.prepare(`INSERT INTO subscribers (email, status, keywords, timezone, hour, created_at, confirmed_at)
    VALUES (?, 'active', ?, 'UTC', 0, ?, ?)`);
  const at = now.toISOString();
  let seed = 42;
  const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  db.transaction(() => {
    for (let i = 0; i < subscribers; i++) {
      const k = 1 + Math.floor(rnd() * 2);
      const kw = [...new Set(Array.from({ length: k }, () => INTERESTS[Math.floor(rnd() * INTERESTS.length)]))].sort();
      ins.run(`reader${i}@bench.example.org`, JSON.stringify(kw), at, at);
    }
  })();
  db.close();
}
