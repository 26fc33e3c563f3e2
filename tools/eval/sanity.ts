// arxiv-sanity-lite's features, as its compute.py builds them with scikit-learn's TfidfVectorizer: title, abstract and
// author names; words of 2+ characters; English stop words out; unigrams and bigrams; min_df 5, max_df 0.5, the
// 10,000 most frequent terms; sublinear tf, smoothed idf, l2 norm. The baseline SVM is trained on these, not on ours.
import type { Paper } from '#paperboy/model.js';
import type { SparseVector } from '#paperboy/rank/sparse.js';

/** scikit-learn's ENGLISH_STOP_WORDS (from the Glasgow IR group's list). */
const STOP = new Set(`a about above across after afterwards again against all almost alone along already also although
always am among amongst amoungst amount an and another any anyhow anyone anything anyway anywhere are around as at back
be became because become becomes becoming been before beforehand behind being below beside besides between beyond bill
both bottom but by call can cannot cant co con could couldnt cry de describe detail do done down due during each eg eight
either eleven else elsewhere empty enough etc even ever every everyone everything everywhere except few fifteen fifty
fill find fire first five for former formerly forty found four from front full further get give go had has hasnt have he
hence her here hereafter hereby herein hereupon hers herself him himself his how however hundred i ie if in inc indeed
interest into is it its itself keep last latter latterly least less ltd made many may me meanwhile might mill mine more
moreover most mostly move much must my myself name namely neither never nevertheless next nine no nobody none noone nor
not nothing now nowhere of off often on once one only onto or other others otherwise our ours ourselves out over own part
per perhaps please put rather re same see seem seemed seeming seems serious several she should show side since sincere six
sixty so some somehow someone something sometime sometimes somewhere still such system take ten than that the their them
themselves then thence there thereafter thereby therefore therein thereupon these they thick thin third this those though
three through throughout thru thus to together too top toward towards twelve twenty two un under until up upon us very
via was we well were what whatever when whence whenever where whereafter whereas whereby wherein whereupon wherever
whether which while whither who whoever whole whom whose why will with within without would yet you your yours yourself
yourselves`.split(/\s+/));

/** Unigrams and bigrams of a paper, as the vectorizer's analyzer yields them. */
function terms(p: Paper): string[] {
  const text = `${p.title} ${p.abstract} ${p.authors.join(' ')}`.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const ws = (text.match(/\b[a-z_][a-z0-9_]+\b/g) ?? []).filter((w) => !STOP.has(w));
  const out = ws.slice();
  for (let i = 1; i < ws.length; i++) out.push(`${ws[i - 1]} ${ws[i]}`);
  return out;
}

/** A vectorizer fitted on a corpus: `vec(p)` gives any paper's l2-normalised tf-idf vector over the kept terms. */
export function sanityVectorizer(corpus: Paper[], opts = { minDf: 5, maxDf: 0.5, maxFeatures: 10_000 }): (p: Paper) => SparseVector {
  const df = new Map<string, number>();
  const tf = new Map<string, number>();
  for (const p of corpus) {
    const ts = terms(p);
    for (const t of ts) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const t of new Set(ts)) df.set(t, (df.get(t) ?? 0) + 1);
  }
  const n = corpus.length;
  const kept = [...df].filter(([, d]) => d >= opts.minDf && d <= opts.maxDf * n)
    .sort((a, b) => tf.get(b[0])! - tf.get(a[0])! || (a[0] < b[0] ? -1 : 1)).slice(0, opts.maxFeatures);
  const index = new Map(kept.map(([t], i) => [t, i]));
  const idf = Float64Array.from(kept, ([, d]) => Math.log((1 + n) / (1 + d)) + 1);
  const cache = new Map<string, SparseVector>();
  return (p) => {
    const hit = cache.get(p.id);
    if (hit) return hit;
    const counts = new Map<number, number>();
    for (const t of terms(p)) {
      const i = index.get(t);
      if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    const ids = [...counts.keys()].sort((a, b) => a - b);
    const w = ids.map((i) => (1 + Math.log(counts.get(i)!)) * idf[i]);
    const norm = Math.sqrt(w.reduce((s, x) => s + x * x, 0)) || 1;
    const v = { ids: Int32Array.from(ids), w: Float32Array.from(w, (x) => x / norm) };
    cache.set(p.id, v);
    return v;
  };
}
