// The outsider's test inside `npm run eval:rank` (../shared/eval/rank-outsider.mjs and protocol.py, rewritten here):
// a real install on a temporary SQLite file — the bundled sample stored as `serve` stores it (upvoted Hugging Face
// papers), a window of arXiv papers ingested as JSONL (categories removed in the text modes), the semantic space
// learned as after an ingest — and simulated subscribers who sign up over HTTP with seed papers, confirm with the
// page's button, and are ranked by the preview path (`paperboy preview`). Relevance is held out: the seeds' arXiv
// category. Beside it, arxiv-sanity-lite's SVM on the same subscribers, ranking the window's papers (as the
// outsider's table does) and ranking what Paperboy ranks (every stored paper but the subscriber's own seeds).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '#paperboy/config.js';
import { closeContext, createContext, type Context } from '#paperboy/context.js';
import { localDayHour } from '#paperboy/digest/due.js';
import { buildApp } from '#paperboy/http/app.js';
import { ingestSource } from '#paperboy/ingest/run.js';
import { ingestSampleIfEmpty } from '#paperboy/ingest/sample.js';
import { buildDigest } from '#paperboy/digest/build.js';
import type { Paper } from '#paperboy/model.js';
import { refreshSpace } from '#paperboy/semantic-space.js';
import { iteratePapers } from '#paperboy/store/papers.js';
import { findByEmail } from '#paperboy/store/subscribers.js';
import { bySvm } from './baselines.js';
import { bibEscape } from './library-eval.js';
import { loadPapers, rng, sample } from './data.js';
import { ndcg, precision } from './metrics.js';
import { sanityVectorizer } from './sanity.js';

/** The outsider's three modes (protocol.py), and a library: the seeds arrive as a reference manager's export (titles,
 *  abstracts, years; no ids) of papers the store does not hold, so every entry is a text example. */
export type Mode = 'text' | 'two-topics' | 'categories' | 'library';

/** One run's windows: seeds come from `hist`, candidates from `window` (inclusive YYYY-MM-DD ranges). */
export interface Windows {
  file: string;
  hist: [string, string];
  window: [string, string];
  seed: number;
}

/** One simulated subscriber: seeds and the held-out categories that make a paper relevant. */
interface Reader {
  email: string;
  seeds: string[];
  categories: string[];
}

/** What the protocol draws from a month of arXiv: the store, the window's candidates and the subscribers. */
interface Protocol {
  store: Paper[];
  candidates: Set<string>;
  readers: Reader[];
  relevant: Map<string, Set<string>>;
}

const SEEDS = 5;
/** Entries of a library reader (the Zotero library of the example had 14). */
const LIBRARY = 14;
const day = (p: Paper) => p.published!.slice(0, 10);

/** protocol.py's subscribers: per category of the window with 6 to 15% of its papers and 15 earlier papers, 1–3
 *  readers of 5 seeds (by its size); in two-topics mode 31 readers of 3 + 3 seeds of two categories. */
export function drawProtocol(papers: Paper[], w: Windows, mode: Mode): Protocol {
  const hist = papers.filter((p) => day(p) >= w.hist[0] && day(p) <= w.hist[1]);
  const cand = papers.filter((p) => day(p) >= w.window[0] && day(p) <= w.window[1]);
  const rand = rng(w.seed);
  const count = new Map<string, number>();
  for (const p of cand) for (const c of new Set(p.categories)) count.set(c, (count.get(c) ?? 0) + 1);
  const byCat = new Map<string, Paper[]>();
  for (const p of hist) for (const c of new Set(p.categories)) byCat.set(c, [...(byCat.get(c) ?? []), p]);
  const eligible = [...count].sort(([a], [b]) => a.localeCompare(b))
    .filter(([c, n]) => n >= 6 && n <= 0.15 * cand.length && (byCat.get(c)?.length ?? 0) >= 3 * (mode === 'library' ? LIBRARY : SEEDS));
  const readers: Reader[] = [];
  const add = (seeds: Paper[], categories: string[]) => readers.push({ email: `reader${readers.length}@eval.test`, seeds: seeds.map((p) => p.id), categories });
  if (mode === 'two-topics') {
    for (let k = 0; k < 31; k++) {
      const [a, b] = sample(eligible.map(([c]) => c), 2, rand);
      add([...sample(byCat.get(a)!, 3, rand), ...sample(byCat.get(b)!.filter((p) => !p.categories.includes(a)), 3, rand)], [a, b]);
    }
  } else {
    const k = mode === 'library' ? LIBRARY : SEEDS;
    for (const [c, n] of eligible) for (let j = 0; j < (n >= 40 ? 3 : n >= 12 ? 2 : 1); j++) add(sample(byCat.get(c)!, k, rand), [c]);
  }
  const seedIds = new Set(readers.flatMap((r) => r.seeds));
  // A library's papers are not stored: its entries stay text examples.
  const kept = mode === 'library' ? [] : hist.filter((p) => seedIds.has(p.id));
  const store = [...new Map([...cand, ...kept].map((p) => [p.id, p])).values()];
  const candidates = new Set(cand.map((p) => p.id).filter((id) => !seedIds.has(id)));
  const relevant = new Map(readers.map((r) => [r.email, new Set(cand.filter((p) => candidates.has(p.id) && p.categories.some((c) => r.categories.includes(c))).map((p) => p.id))]));
  return { store, candidates, readers, relevant };
}

/** The store as the JSONL a user ingests: published dates moved to the last days (the window's last day yesterday,
 *  older papers up to 6 days back), categories removed unless the mode keeps them. */
function storeJsonl(p: Protocol, w: Windows, mode: Mode, now: Date): string {
  const last = Date.parse(`${w.window[1]}T00:00:00Z`);
  return p.store.map((x) => {
    const shift = Math.min(5, Math.max(0, Math.round((last - Date.parse(`${day(x)}T00:00:00Z`)) / 86_400_000)));
    const published = new Date(now.getTime() - (1 + shift) * 86_400_000 - 3_600_000).toISOString();
    return JSON.stringify({ ...x, published, categories: mode === 'categories' ? x.categories : [] });
  }).join('\n') + '\n';
}

/** A reader's library as Zotero exports it without ids: title, abstract and year. */
function libraryExport(papers: Paper[]): string {
  return papers.map((p, i) => `@article{entry${i},\n  title = {${bibEscape(p.title)}},\n  abstract = {${bibEscape(p.abstract)}},\n  year = {${day(p).slice(0, 4)}},\n}\n`).join('\n');
}

/** Opens a confirmation link and presses the page's button, as the address's owner does (from their own address). */
async function confirmFrom(ctx: Context, app: Awaited<ReturnType<typeof buildApp>>, email: string, from: string): Promise<void> {
  const outbox = ctx.config.PAPERBOY_OUTBOX;
  for (let t = 0; t < 100; t++) {
    for (const f of readdirSync(outbox, { withFileTypes: true }).filter((e) => e.name.endsWith('.eml'))) {
      const raw = readFileSync(join(outbox, f.name), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
      if (!raw.includes(email)) continue;
      const link = /https?:\/\/[^/\s]+(\/confirm\/[A-Za-z0-9._~-]+)/.exec(raw);
      if (!link) continue;
      const res = await app.inject({ method: 'POST', url: link[1], remoteAddress: from, headers: { origin: new URL(ctx.config.PUBLIC_URL).origin } });
      if (res.statusCode !== 303) throw new Error(`confirming ${email}: ${res.statusCode}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no confirmation mail for ${email}`);
}

/** One mode on one window: nDCG@10 and P@10 of Paperboy through the real path, and of the SVM both ways. */
export async function runInstall(w: Windows, mode: Mode): Promise<{ mode: Mode; readers: number; paperboy: number[]; svmWindow: number[]; svmStore: number[]; fromLibrary: number }> {
  const papers = loadPapers(w.file);
  const proto = drawProtocol(papers, w, mode);
  const all = new Map(papers.map((p) => [p.id, p]));
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-eval-install-'));
  const config = loadConfig({
    PAPERBOY_DB: join(dir, 'paperboy.db'), PAPERBOY_OUTBOX: join(dir, 'outbox'), PUBLIC_URL: 'http://eval.test',
    LOG_LEVEL: 'silent', PAPERBOY_SOURCES: 'none',
  });
  const ctx = await createContext(config, { log: pino({ level: 'silent' }) });
  const app = await buildApp(ctx);
  try {
    const now = new Date();
    await ingestSampleIfEmpty({ db: ctx.db });
    const file = join(dir, 'store.jsonl');
    writeFileSync(file, storeJsonl(proto, w, mode, now));
    await ingestSource({ db: ctx.db }, file, { format: 'jsonl' });
    refreshSpace(ctx.db, now);
    const stored = [...iteratePapers(ctx.db)];
    const vec = sanityVectorizer(proto.store);
    const vecAll = sanityVectorizer(stored);
    const window = proto.store.filter((p) => proto.candidates.has(p.id));
    const out = { paperboy: [] as number[], svmWindow: [] as number[], svmStore: [] as number[], fromLibrary: 0 };
    for (const [i, r] of proto.readers.entries()) {
      const from = `127.0.${1 + Math.floor(i / 200)}.${2 + (i % 200)}`;
      const seeds = r.seeds.map((id) => all.get(id)!);
      const asked = mode === 'library' ? { library: libraryExport(seeds) } : { papers: r.seeds };
      const res = await app.inject({ method: 'POST', url: '/api/subscriptions', remoteAddress: from, payload: { email: r.email, ...asked, timezone: 'UTC', hour: 8 } });
      if (res.statusCode !== 202) throw new Error(`sign-up refused: ${res.statusCode} ${res.body}`);
      await confirmFrom(ctx, app, r.email, from);
      const sub = findByEmail(ctx.db, r.email)!;
      const digest = buildDigest(ctx, sub, localDayHour(now, 'UTC').date, now).ranked.filter((x) => !r.seeds.includes(x.paper.id));
      const ranked = digest.map((x) => x.paper.id);
      out.fromLibrary += digest.slice(0, 10).filter((x) => x.why.some((y) => y.endsWith('from your library'))).length;
      const relevant = proto.relevant.get(r.email)!;
      const own = new Set(r.seeds);
      out.paperboy.push(ndcg(ranked, relevant), precision(ranked, relevant));
      out.svmWindow.push(ndcg(bySvm(seeds, proto.store, window, vec, rng(7)).map((p) => p.id), relevant));
      out.svmStore.push(ndcg(bySvm(seeds, stored, stored.filter((p) => !own.has(p.id)), vecAll, rng(7)).map((p) => p.id), relevant));
    }
    return { mode, readers: proto.readers.length, ...out };
  } finally {
    await app.close();
    await closeContext(ctx);
    rmSync(dir, { recursive: true, force: true });
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const every = (xs: number[], k: number, of: number) => xs.filter((_, i) => i % of === k);

/** The outsider's table over `windows` and the three modes, with the SVM both ways. */
export async function installTable(windows: Windows[], log = console.log): Promise<void> {
  log('\n## The outsider\'s test on a real install (sign-up, confirmation, preview; the bundled sample stored)');
  log('| window (seed) | mode | readers | Paperboy nDCG@10 | P@10 | SVM, window only | ratio | SVM, what Paperboy ranks | ratio |\n|---|---|---|---|---|---|---|---|---|');
  for (const w of windows) {
    for (const mode of ['text', 'two-topics', 'categories', 'library'] as const) {
      const r = await runInstall(w, mode);
      const pb = mean(every(r.paperboy, 0, 2));
      const a = mean(r.svmWindow);
      const b = mean(r.svmStore);
      const said = mode === 'library' ? ` (${(r.fromLibrary / r.readers).toFixed(1)} of 10 say "from your library")` : '';
      log(`| ${w.window.join('..')} (${w.seed}) | ${mode} | ${r.readers} | ${pb.toFixed(3)}${said} | ${mean(every(r.paperboy, 1, 2)).toFixed(3)} | ${a.toFixed(3)} | ${(pb / a).toFixed(2)}× | ${b.toFixed(3)} | ${(pb / b).toFixed(2)}× |`);
    }
  }
}
