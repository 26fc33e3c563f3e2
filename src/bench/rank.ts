// `npm run bench:rank`: 10,000 subscribers with mixed profiles against 2,000 new papers over a 100,000-paper corpus.
// The corpus is synthetic but made of real text: every abstract is stitched from sentences of real abstracts.
import { cpus, loadavg } from 'node:os';
import type { Paper, Profile } from '../model.js';
import { loadPapers, rng, sample } from '../eval/data.js';
import { buildRankModel } from '../rank/model.js';
import { rank } from '../rank/rank.js';
import { fitVocabulary } from '../rank/vocabulary.js';

const CORPUS = Number(process.env.BENCH_CORPUS ?? 100_000);
const NEW = Number(process.env.BENCH_NEW ?? 2_000);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
const rand = rng(2026);
const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];

/** Synthetic papers from real sentences, titles, authors and categories. */
function synthesize(real: Paper[], n: number, day: string, prefix: string): Paper[] {
  const sentences = real.flatMap((p) => p.abstract.split(/(?<=\.)\s+/)).filter((s) => s.length > 30);
  const authors = [...new Set(real.flatMap((p) => p.authors))];
  return Array.from({ length: n }, (_, i) => {
    const base = pick(real);
    return {
      id: `${prefix}.${String(i).padStart(6, '0')}`, title: `${base.title} ${pick(real).title.split(' ').slice(0, 3).join(' ')}`,
      abstract: Array.from({ length: 5 + Math.floor(rand() * 5) }, () => pick(sentences)).join(' '),
      authors: Array.from({ length: 1 + Math.floor(rand() * 6) }, () => pick(authors)),
      categories: base.categories, published: day, url: null, upvotes: rand() < 0.1 ? Math.floor(rand() * 300) : null,
      firstSeen: `${day}T06:00:00Z`,
    };
  });
}

/** A mixed bag of profiles: keywords, phrases, categories, authors, about text, seeds, votes. */
function profiles(real: Paper[], corpus: Paper[], candidates: Paper[]): { profile: Profile; shown: string[] }[] {
  const terms = real.flatMap((p) => p.title.toLowerCase().split(/[^a-z]+/).filter((w) => w.length > 5)).slice(0, 20000);
  const recent = corpus.slice(-14_000);
  return Array.from({ length: SUBSCRIBERS }, (_, i) => {
    const kind = i % 5;
    const votes = kind >= 3 ? Array.from({ length: 5 + Math.floor(rand() * 30) }, () => pick(recent)).map((p) => ({ paperId: p.id, vote: (rand() < 0.6 ? 1 : -1) as 1 | -1 })) : [];
    const profile: Profile = {
      keywords: kind === 2 ? [] : Array.from({ length: 2 + Math.floor(rand() * 10) }, () => (rand() < 0.3 ? `${pick(terms)} ${pick(terms)}` : pick(terms))),
      categories: kind % 2 ? [pick(real).categories[0]] : [],
      authors: kind === 2 ? [pick(candidates).authors[0]] : [],
      about: kind === 1 ? pick(real).abstract.slice(0, 2000) : '',
      papers: kind >= 2 ? Array.from({ length: 1 + Math.floor(rand() * 10) }, () => pick(corpus)).map((p) => p.id) : [],
      votes,
    };
    return { profile, shown: kind >= 3 ? Array.from({ length: 30 }, () => pick(recent)).map((p) => p.id) : [] };
  });
}

console.log(`${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} (other processes slow every figure below)`);
const mb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const real = loadPapers('arxiv-2026-05.jsonl.gz');
let t = performance.now();
const corpus = synthesize(real, CORPUS, '2026-05-01', '2605');
const candidates = synthesize(real, NEW, '2026-05-20', '2606');
const known = new Map(corpus.map((p) => [p.id, p]));
const subs = profiles(real, corpus, candidates);
console.log(`synthesized ${CORPUS} corpus + ${NEW} new papers and ${SUBSCRIBERS} profiles in ${((performance.now() - t) / 1000).toFixed(1)} s (peak RSS ${mb()} MB)`);

t = performance.now();
const vocab = fitVocabulary([...corpus, ...candidates]);
console.log(`fit idf on ${CORPUS + NEW} papers: ${((performance.now() - t) / 1000).toFixed(1)} s`);
t = performance.now();
const model = buildRankModel(vocab, candidates);
console.log(`model over ${NEW} candidates: ${((performance.now() - t) / 1000).toFixed(2)} s (peak RSS ${mb()} MB)`);

const now = new Date('2026-05-20T08:00:00Z');
t = performance.now();
let items = 0;
let rssAtTenth = 0;
subs.forEach(({ profile, shown }, i) => {
  items += rank(profile, candidates, { now, size: 10, model, known, shown }).length;
  if (i === Math.floor(SUBSCRIBERS / 10)) rssAtTenth = mb();
});
const secs = (performance.now() - t) / 1000;
console.log(`ranked ${SUBSCRIBERS} subscribers in ${secs.toFixed(2)} s: ${Math.round(SUBSCRIBERS / secs)} subscribers/s, ${(items / SUBSCRIBERS).toFixed(1)} papers each`);
console.log(`load average now ${loadavg()[0].toFixed(2)}; peak RSS ${mb()} MB (after ${Math.floor(SUBSCRIBERS / 10)} subscribers: ${rssAtTenth} MB; the synthetic corpus itself is held in memory as the stand-in database)`);

if (process.env.BENCH_WARM) {
  const t2 = performance.now();
  for (const { profile, shown } of subs) rank(profile, candidates, { now, size: 10, model, known, shown });
  const s2 = (performance.now() - t2) / 1000;
  console.log(`second pass, known-paper vectors cached: ${s2.toFixed(2)} s (${Math.round(SUBSCRIBERS / s2)} subscribers/s)`);
}
