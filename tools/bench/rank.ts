// `npm run bench:rank`: 10,000 subscribers with mixed profiles against 2,000 new papers over a 100,000-paper corpus.
// The corpus is synthetic but made of real text: every abstract is stitched from sentences of real abstracts.
import { cpus, loadavg } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { Paper, Profile } from '#paperboy/model.js';
import { loadPapers, rng } from '../eval/data.js';
import type { LibraryExample } from '#paperboy/rank/library.js';
import { PROFILE_LIMITS } from '#paperboy/rank/limits.js';
import { type RankModel, buildRankModel } from '#paperboy/rank/model.js';
import { rank } from '#paperboy/rank/rank.js';
import { buildSpace, decodeSpace, encodeSpace, foldIn, type Space } from '#paperboy/rank/space.js';
import { SPACE_MAX } from '#paperboy/semantic-space.js';
import { type Vocabulary, fitVocabulary, paperTerms } from '#paperboy/rank/vocabulary.js';

const CORPUS = Number(process.env.BENCH_CORPUS ?? 100_000);
const NEW = Number(process.env.BENCH_NEW ?? 2_000);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
/** Share of subscribers with a library (issue 11), half of them of LIBRARY_SIZES[0] entries, half of [1];
 *  BENCH_LIBRARY=0 leaves libraries out (the other profiles stay the same). */
const LIBRARY_SHARE = Number(process.env.BENCH_LIBRARY ?? 0.2);
const LIBRARY_SIZES = [PROFILE_LIMITS.libraryUsed, 1000];
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

/**
 * A library of `size` entries for subscriber `i`. rank() learns from the first PROFILE_LIMITS.libraryUsed (the store
 * reads no more), so those are each subscriber's own: a third matched to corpus papers, the rest text examples of real
 * titles and abstracts under ids of their own (their vectors are computed for each subscriber, as in a digest run).
 * The entries past those are shared between subscribers: rank() must read none of them, and 10 M objects would not fit.
 */
function libraries(real: Paper[], corpus: Paper[], lrand: () => number): (i: number, size: number) => LibraryExample[] {
  const pick = <T>(xs: T[]): T => xs[Math.floor(lrand() * xs.length)];
  const text = (p: Paper, id: string): Paper => ({ id, title: p.title, abstract: p.abstract, authors: [], categories: [], published: null, url: null });
  const tail = Array.from({ length: Math.max(...LIBRARY_SIZES) }, (_, k) => ({ paper: text(pick(real), `library:old:${k}`), title: 'old', added: '2018' }));
  return (i, size) => [
    ...Array.from({ length: Math.min(size, PROFILE_LIMITS.libraryUsed) }, (_, k) => {
      const added = `2026-0${1 + Math.floor(lrand() * 5)}-1${Math.floor(lrand() * 9)}`;
      const paper = k % 3 === 0 ? pick(corpus) : text(pick(real), `library:${i}:${k}`);
      // The store keeps each entry's term counts from the first run that read it (store/library.ts, keepEntryVectors).
      return { paper, title: paper.title, added, terms: paperTerms(paper) };
    }),
    ...tail.slice(0, Math.max(0, size - PROFILE_LIMITS.libraryUsed)),
  ];
}

/** A mixed bag of profiles: keywords, phrases, categories, authors, about text, seeds, votes, and a share with libraries. */
function profiles(real: Paper[], corpus: Paper[], candidates: Paper[]): Sub[] {
  // Libraries draw their own random numbers, so the other profiles are those of a run without libraries.
  const lrand = rng(7);
  const libraryOf = libraries(real, corpus, lrand);
  const terms = real.flatMap((p) => p.title.toLowerCase().split(/[^a-z]+/).filter((w) => w.length > 5)).slice(0, 20000);
  // Votes and shown papers are on papers of earlier digests: the last weeks' papers, which the semantic space covers
  // (learnSpace). Seed papers are any stored paper, most of them outside it.
  const recent = corpus.slice(-(SPACE_MAX - NEW));
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
    const library = lrand() < LIBRARY_SHARE ? libraryOf(i, LIBRARY_SIZES[Math.floor(lrand() * 2)]) : undefined;
    return { profile, shown: kind >= 3 ? Array.from({ length: 30 }, () => pick(recent)).map((p) => p.id) : [], library };
  });
}

type Sub = { profile: Profile; shown: string[]; library?: LibraryExample[] };
/** What one ranking shard needs: the shared idf, the candidates, its subscribers and the papers they refer to. */
interface Shard {
  df: Uint32Array; docCount: number; bits: number; candidates: Paper[]; subs: Sub[]; known: Map<string, Paper>;
  space: { ids: string[]; width: number; bytes: Uint8Array } | null;
}

const now = new Date('2026-05-20T08:00:00Z');
const mb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const secsSince = (t: number) => (performance.now() - t) / 1000;

/** Ranks every subscriber of a shard against one model; returns papers placed and seconds spent. */
function rankShard(shard: Shard, model: RankModel): { items: number; secs: number; cpu: number; rssAtTenth: number; ms: Split } {
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  let items = 0;
  let rssAtTenth = 0;
  const ms: Split = new Map();
  shard.subs.forEach(({ profile, shown, library }, i) => {
    const t1 = performance.now();
    items += rank(profile, shard.candidates, { now, size: 10, model, known: shard.known, shown, library }).length;
    const size = library?.length ?? 0;
    const [spent, n] = ms.get(size) ?? [0, 0];
    ms.set(size, [spent + performance.now() - t1, n + 1]);
    if (i === Math.floor(shard.subs.length / 10)) rssAtTenth = mb();
  });
  const cpu = process.cpuUsage(cpu0);
  return { items, secs: secsSince(t), cpu: (cpu.user + cpu.system) / 1e6, rssAtTenth, ms };
}

/** By library size (0: none), milliseconds spent ranking and subscribers ranked. */
type Split = Map<number, [number, number]>;

/** Worker side: build the model from the shared idf, wait for "go", rank, report. */
function worker(): void {
  const shard = workerData as Shard;
  const space = shard.space && decodeSpace(shard.space.ids, shard.space.width, shard.space.bytes);
  const model = buildRankModel({ bits: shard.bits, docCount: shard.docCount, df: shard.df }, shard.candidates, { space });
  parentPort!.postMessage({ ready: true });
  parentPort!.once('message', () => parentPort!.postMessage(rankShard(shard, model)));
}

/** Main side: split subscribers over `n` worker threads, start them together, time until the last finishes. */
async function parallel(n: number, vocab: Vocabulary, candidates: Paper[], subs: Sub[], known: Map<string, Paper>, space: Space | null): Promise<{ items: number; secs: number }> {
  const shared = space && { ids: space.ids, width: space.width, bytes: encodeSpace(space) };
  const df = new Uint32Array(new SharedArrayBuffer(vocab.df.byteLength));
  df.set(vocab.df);
  const workers = Array.from({ length: n }, (_, k) => {
    const mine = subs.filter((_, i) => i % n === k);
    const ids = new Set(mine.flatMap((s) => [...s.profile.papers, ...s.profile.votes.map((v) => v.paperId), ...s.shown]));
    const shardKnown = new Map([...ids].map((id) => [id, known.get(id)!]).filter(([, p]) => p) as [string, Paper][]);
    return new Worker(new URL(import.meta.url), { workerData: { df, docCount: vocab.docCount, bits: vocab.bits, candidates, subs: mine, known: shardKnown, space: shared } });
  });
  await Promise.all(workers.map((w) => new Promise((ok) => w.once('message', ok))));
  const t = performance.now();
  const results = await Promise.all(workers.map((w) => {
    const done = new Promise<{ items: number }>((ok) => w.once('message', ok));
    w.postMessage('go');
    return done;
  }));
  const secs = secsSince(t);
  await Promise.all(workers.map((w) => w.terminate()));
  return { items: results.reduce((s, r) => s + r.items, 0), secs };
}

async function main(): Promise<void> {
  const threads = Number(process.env.BENCH_WORKERS ?? 1);
  console.log(`${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} (other processes slow every figure below)`);
  const real = loadPapers('arxiv-2026-05.jsonl.gz');
  let t = performance.now();
  const corpus = synthesize(real, CORPUS, '2026-05-01', '2605');
  const candidates = synthesize(real, NEW, '2026-05-20', '2606');
  const known = new Map(corpus.map((p) => [p.id, p]));
  const subs = profiles(real, corpus, candidates);
  const withLibrary = subs.filter((s) => s.library).length;
  console.log(`${withLibrary} of the profiles have a library (BENCH_LIBRARY=${LIBRARY_SHARE}), half of ${LIBRARY_SIZES.join(' and half of ')} entries; rank() reads the first ${PROFILE_LIMITS.libraryUsed} of each`);
  console.log(`synthesized ${CORPUS} corpus + ${NEW} new papers and ${SUBSCRIBERS} profiles in ${secsSince(t).toFixed(1)} s (peak RSS ${mb()} MB; the corpus stands in for the database)`);
  t = performance.now();
  const vocab = fitVocabulary([...corpus, ...candidates]);
  console.log(`fit idf on ${CORPUS + NEW} papers: ${secsSince(t).toFixed(1)} s (once per run, or kept and updated at ingest)`);
  t = performance.now();
  const space = learnSpace(corpus, candidates);
  console.log(`semantic space of the ${space?.ids.length ?? 0} most recent papers (${space?.width ?? 0} dimensions): ${secsSince(t).toFixed(1)} s (once per ingest, on a worker thread)`);
  t = performance.now();
  const folded = space ? foldLibraries(space, subs) : 0;
  console.log(`folded ${folded} library entries into it: ${secsSince(t).toFixed(1)} s (the same step, after learning; digests read the rows)`);
  if (threads > 1) {
    const { items, secs } = await parallel(threads, vocab, candidates, subs, known, space);
    report(`${threads} worker threads`, items, secs);
    return;
  }
  t = performance.now();
  const model = buildRankModel(vocab, candidates, { space });
  console.log(`model over ${NEW} candidates: ${secsSince(t).toFixed(2)} s (peak RSS ${mb()} MB)`);
  const r = rankShard({ df: vocab.df, docCount: vocab.docCount, bits: vocab.bits, candidates, subs, known, space: null }, model);
  report('one thread', r.items, r.secs, r.rssAtTenth);
  console.log(`CPU time of the ranking: ${r.cpu.toFixed(2)} s (wall time exceeds it when other processes hold the CPUs)`);
  const per = [...r.ms].sort(([a], [b]) => a - b).map(([size, [ms, n]]) => `${(ms / n).toFixed(2)} ms ${size ? `with a library of ${size}` : 'without a library'} (${n})`);
  console.log(`per digest: ${per.join(', ')}`);
  if (process.env.BENCH_WARM) {
    const again = rankShard({ df: vocab.df, docCount: vocab.docCount, bits: vocab.bits, candidates, subs, known, space: null }, model);
    console.log(`second pass, known-paper vectors cached: ${again.secs.toFixed(2)} s (${Math.round(SUBSCRIBERS / again.secs)} subscribers/s)`);
  }
}

/** What learning a space does for libraries (semantic-space.ts, foldLibraries): each entry digests read gets its row,
 *  unless its paper is one of the space's own. Returns how many entries were folded in. */
function foldLibraries(space: Space, subs: Sub[]): number {
  let n = 0;
  for (const s of subs) {
    for (const e of (s.library ?? []).slice(0, PROFILE_LIMITS.libraryUsed)) {
      if (space.index.has(e.paper.id)) continue;
      e.row = foldIn(space, e.terms ?? paperTerms(e.paper)) ?? undefined;
      n++;
    }
  }
  return n;
}

/** The space an install would have learned: the new papers and the most recent of the corpus, SPACE_MAX in all. */
function learnSpace(corpus: Paper[], candidates: Paper[]): Space | null {
  return process.env.BENCH_SPACE === '0' ? null : buildSpace([...candidates, ...corpus.slice(-(SPACE_MAX - candidates.length))]);
}

function report(how: string, items: number, secs: number, rssAtTenth?: number): void {
  console.log(`ranked ${SUBSCRIBERS} subscribers in ${secs.toFixed(2)} s on ${how}: ${Math.round(SUBSCRIBERS / secs)} subscribers/s, ${(items / SUBSCRIBERS).toFixed(1)} papers each`);
  const tenth = rssAtTenth ? ` (${rssAtTenth} MB after the first tenth of the subscribers)` : '';
  console.log(`peak RSS ${mb()} MB${tenth}; load average now ${loadavg()[0].toFixed(2)}`);
}

if (isMainThread) await main();
else worker();
