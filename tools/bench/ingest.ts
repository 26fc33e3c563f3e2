// `npm run bench:ingest`: ingests 100,000 generated papers into a fresh SQLite file (full-text index included),
// then a generated 2,000-entry arXiv Atom feed, through the same path `paperboy ingest` takes; prints rates and peak RSS.
// Targets (issue 3): ≥ 20,000 papers/s; the 2,000-entry feed parsed and stored in < 0.2 s.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '#paperboy/db/migrate.js';
import { backgroundDone } from '#paperboy/db/background.js';
import { openDb, type Db } from '#paperboy/db/open.js';
import { detectFormat, parserFor } from '#paperboy/ingest/detect.js';
import { ingestSource } from '#paperboy/ingest/run.js';
import { countPapers } from '#paperboy/store/papers.js';
import { searchPapers } from '#paperboy/store/search.js';

const PAPERS = 100_000;
const PER_FILE = 10_000;
const FEED_ENTRIES = 2_000;
/** The words of real arXiv abstracts (data/eval, committed), in order: drawing from it gives generated text the
 *  vocabulary and word frequencies of real papers, which is what the full-text index's cost depends on. */
const WORDS = gunzipSync(readFileSync(fileURLToPath(new URL('../../data/eval/arxiv-2026-05.jsonl.gz', import.meta.url))))
  .toString('utf8').split('\n').filter(Boolean).flatMap((line) => (JSON.parse(line) as { abstract: string }).abstract.split(/\s+/));

/** A deterministic pseudo-random generator, so every run measures the same data. */
function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

/** `n` random words. */
function words(rand: () => number, n: number): string {
  return Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
}

/** The fields of generated paper `i`, sized like real arXiv papers (about 150-word abstracts). */
function fake(i: number, rand: () => number) {
  return {
    id: `26${String(1 + Math.floor(i / 100_000)).padStart(2, '0')}.${String(i % 100_000).padStart(5, '0')}`,
    title: `${words(rand, 9)} ${i}`, abstract: words(rand, 150),
    authors: Array.from({ length: 5 }, (_, k) => `Author ${i % 997} ${k}`),
    categories: ['cs.LG', 'cs.CL', 'stat.ML'].slice(0, 1 + (i % 3)), published: '2026-04-01',
  };
}

/** Text as XML character data, the way arXiv's feeds escape it. */
const xml = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A generated paper with its text fields escaped for a feed. */
function feedPaper(i: number, rand: () => number) {
  const p = fake(i, rand);
  return { ...p, title: xml(p.title), abstract: xml(p.abstract), authors: p.authors.map(xml) };
}

/** One generated arXiv API entry. */
function atomEntry(i: number, rand: () => number): string {
  const p = feedPaper(i, rand);
  return `  <entry>
    <id>http://arxiv.org/abs/${p.id}v1</id>
    <title>${p.title}</title>
    <updated>2026-04-01T17:59:59Z</updated>
    <link href="https://arxiv.org/abs/${p.id}v1" rel="alternate" type="text/html"/>
    <link href="https://arxiv.org/pdf/${p.id}v1" rel="related" type="application/pdf" title="pdf"/>
    <summary>${p.abstract}</summary>
${p.categories.map((c) => `    <category term="${c}" scheme="http://arxiv.org/schemas/atom"/>`).join('\n')}
    <published>2026-04-01T17:59:59Z</published>
    <arxiv:comment>12 pages, 4 figures</arxiv:comment>
    <arxiv:primary_category term="${p.categories[0]}"/>
${p.authors.map((a) => `    <author>\n      <name>${a}</name>\n    </author>`).join('\n')}
  </entry>`;
}

/** One generated item of an arXiv RSS announcement feed (rss.arxiv.org/rss/<cat>). */
function rssItem(i: number, rand: () => number): string {
  const p = feedPaper(i, rand);
  return `    <item>
      <title>${p.title}</title>
      <link>https://arxiv.org/abs/${p.id}</link>
      <description>arXiv:${p.id}v1 Announce Type: new
Abstract: ${p.abstract}</description>
      <guid isPermaLink="false">oai:arXiv.org:${p.id}v1</guid>
${p.categories.map((c) => `      <category>${c}</category>`).join('\n')}
      <pubDate>Wed, 01 Apr 2026 00:00:00 -0400</pubDate>
      <arxiv:announce_type>new</arxiv:announce_type>
      <dc:rights>http://creativecommons.org/licenses/by/4.0/</dc:rights>
      <dc:creator>${p.authors.slice(0, -1).join(', ')} and ${p.authors.at(-1)}</dc:creator>
    </item>`;
}

/** A daily RSS announcement feed with `n` items whose ids start at `from`. */
function rssFeed(from: number, n: number): string {
  const rand = rng(9);
  const items = Array.from({ length: n }, (_, k) => rssItem(from + k, rand)).join('\n');
  return `<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0">
  <channel>
    <title>cs.LG updates on arXiv.org</title>
${items}
  </channel>
</rss>
`;
}

/** A whole API response with `n` entries whose ids start at `from`. */
function atomFeed(from: number, n: number): string {
  const rand = rng(7);
  const entries = Array.from({ length: n }, (_, k) => atomEntry(from + k, rand)).join('\n');
  return `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/bench</id>
  <title>arXiv Query: bench</title>
  <opensearch:totalResults>${n}</opensearch:totalResults>
${entries}
</feed>
`;
}

/** Seconds since `t0` (a performance.now() reading). */
const since = (t0: number): number => (performance.now() - t0) / 1000;

/** CPU seconds (user + system) this process has used: unlike wall time, not inflated by other busy processes. */
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Ingests a file and fails loudly if anything was rejected or went wrong. */
async function ingest(db: Db, file: string): Promise<void> {
  const r = await ingestSource({ db }, file);
  if (r.error || r.rejected) throw new Error(`bench input ${file} did not ingest cleanly: ${r.error ?? JSON.stringify(r.rejections[0])}`);
}

/** 100,000 papers as ten 10,000-line JSONL files. */
async function benchPapers(db: Db, dir: string): Promise<void> {
  const rand = rng(42);
  const files: string[] = [];
  for (let f = 0; f < PAPERS / PER_FILE; f++) {
    const lines = Array.from({ length: PER_FILE }, (_, k) => JSON.stringify(fake(f * PER_FILE + k, rand)));
    files.push(join(dir, `papers-${f}.jsonl`));
    writeFileSync(files[f], lines.join('\n') + '\n');
  }
  const t0 = performance.now();
  const c0 = cpu();
  for (const file of files) await ingest(db, file);
  // Counted in: the full-text index and the copy of the WAL into the database file, which a worker thread makes.
  await backgroundDone(db);
  const s = since(t0);
  const c = cpu() - c0;
  console.log(`${PAPERS.toLocaleString('en')} papers (JSONL, 10 files, with full-text index): ${s.toFixed(2)} s wall = ${Math.round(PAPERS / s).toLocaleString('en')} papers/s; ` +
    `${c.toFixed(2)} s CPU = ${Math.round(PAPERS / c).toLocaleString('en')} papers/s per CPU second (target ≥ 20,000); store holds ${countPapers(db).toLocaleString('en')}`);
  benchSearch(db);
}

/** Times two searches over the index just built: the last paper by the number in its title, and a common pair of words. */
function benchSearch(db: Db): void {
  for (const q of [String(PAPERS - 1), 'diffusion model']) {
    const t0 = performance.now();
    const hits = searchPapers(db, q);
    console.log(`search "${q}": ${hits.length} papers (first ${hits[0]?.id ?? 'none'}) in ${(performance.now() - t0).toFixed(1)} ms`);
  }
}

/** Times one generated feed: parse alone (warm-up included in run 1), then read + parse + store of fresh ids. */
async function timeFeed(db: Db, dir: string, label: string, make: (from: number) => string, round: number): Promise<void> {
  const from = 200_000 + round * 20_000;
  const xml = make(from);
  let c0 = cpu();
  parserFor(detectFormat(xml))(xml);
  const parse = cpu() - c0;
  const fresh = make(from + 10_000);
  const file = join(dir, `feed-${round}.xml`);
  writeFileSync(file, fresh);
  const t0 = performance.now();
  c0 = cpu();
  await ingest(db, file);
  const stored = since(t0);
  // Counted in: the feed's papers in the full-text index (a worker thread catches up beside the store).
  await backgroundDone(db);
  const total = since(t0);
  const totalCpu = cpu() - c0;
  const ms = (x: number): string => `${(x * 1000).toFixed(0)} ms`;
  console.log(`${label} (${FEED_ENTRIES.toLocaleString('en')} entries, ${(fresh.length / 1e6).toFixed(1)} MB), run ${round}: parse alone ${ms(parse)} CPU; ` +
    `read + parse + store ${ms(stored)} (target < 200 ms); index and checkpoint done at ${ms(total)} wall, ${ms(totalCpu)} CPU`);
}

/** The 2,000-entry feeds: an arXiv API Atom response and a daily RSS announcement feed, three runs each. */
async function benchFeeds(db: Db, dir: string): Promise<void> {
  for (const round of [1, 2, 3]) await timeFeed(db, dir, 'arXiv API Atom', (from) => atomFeed(from, FEED_ENTRIES), round);
  for (const round of [4, 5, 6]) await timeFeed(db, dir, 'arXiv daily RSS', (from) => rssFeed(from, FEED_ENTRIES), round);
}

/** Ingests the real 2026Q2 arXiv set when the shared data folder is beside the project. */
async function benchReal(db: Db): Promise<void> {
  const file = join(process.cwd(), '../shared/data/arxiv-2026q2/papers.jsonl.gz');
  if (!existsSync(file)) return;
  const t0 = performance.now();
  const r = await ingestSource({ db }, file);
  await backgroundDone(db);
  const s = since(t0);
  const n = r.new + r.updated;
  console.log(`real data ${file}: ${r.fetched.toLocaleString('en')} records in ${s.toFixed(2)} s = ${Math.round(n / s).toLocaleString('en')} papers/s (${r.rejected} rejected)`);
}

/** Runs the benchmark in a temp directory that is removed afterwards. */
async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-'));
  const db = openDb(join(dir, 'bench.db'));
  try {
    migrate(db);
    await benchPapers(db, dir);
    await benchFeeds(db, dir);
    await benchReal(db);
    console.log(`peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
