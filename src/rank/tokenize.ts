// Pure text → terms: lower-cased words without stopwords, light plural stemming, unigrams + bigrams, hashed.

const STOPWORDS = new Set(`a about above after again against all also am an and any are as at be because been
before being below between both but by can could did do does doing down during each either et al etc few for
from further had has have having he her here hers him his how however i if in into is it its itself just
may me might more most much must my no nor not now of off often on once only or other our ours out over own
per rather same she should so some such than that the their theirs them then there these they this those
through thus to too under until up upon us very via was we well were what when where whether which while who
whom why will with within without would yet you your yours paper propose proposed present presents show shows
shown approach method methods new novel based using use used results result work study existing towards toward
also however moreover furthermore significantly achieve achieves state art sota first one two three
`.split(/\s+/).filter(Boolean));

/** Folds plurals so "transformers" meets "transformer" (deliberately light: no suffix guessing beyond -s). */
export function stem(word: string): string {
  const n = word.length;
  if (n < 4 || word.charCodeAt(n - 1) !== 115 /* s */) return word;
  if (n > 4 && word.endsWith('ies')) return word.slice(0, -3) + 'y';
  const before = word[n - 2];
  return before === 's' || before === 'u' || before === 'i' || before === 'o' ? word : word.slice(0, -1);
}

/** Topic words of a text, in order: lower-cased, accents folded, LaTeX commands and numbers dropped, stemmed. */
export function words(text: string): string[] {
  // Accent folding is only needed (and only paid for) when the text is not plain ASCII.
  const ascii = !/[^\x00-\x7f]/.test(text);
  const plain = ascii ? text : text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const folded = plain.toLowerCase().replace(/\\[a-z]+/g, ' ');
  const out: string[] = [];
  // Hyphenated words become their parts ("vision-language" → vision, language); numbers alone are dropped.
  for (const w of folded.match(/[a-z][a-z0-9]*/g) ?? []) {
    if (w.length > 1 && !STOPWORDS.has(w)) out.push(stem(w));
  }
  return out;
}

/** 32-bit FNV-1a hash of a string. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Hash of the bigram (a, b) from the hashes of its words; order matters. */
export function bigramHash(a: number, b: number): number {
  return (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b, 0xc2b2ae35) ^ 0x27d4eb2f) >>> 0;
}

/** Normalises an author name for matching: accents folded, lower case, letters only. */
export function authorKey(name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z]+/g, ' ').trim();
}

/** Hashed term counts as bytes (pairs of 32-bit hash and count), to keep them (store/library.ts). */
export function encodeTerms(counts: Map<number, number>): Uint8Array {
  const pairs = new Uint32Array(2 * counts.size);
  let k = 0;
  for (const [h, n] of counts) { pairs[k++] = h; pairs[k++] = n; }
  return new Uint8Array(pairs.buffer);
}

/** The term counts encodeTerms wrote. */
export function decodeTerms(bytes: Uint8Array): Map<number, number> {
  const pairs = new Uint32Array(Uint8Array.from(bytes).buffer);
  const out = new Map<number, number>();
  for (let k = 0; k + 1 < pairs.length; k += 2) out.set(pairs[k], pairs[k + 1]);
  return out;
}

/** Counts of hashed unigrams and bigrams of `text`, plus one `author:` term per author. */
export function termCounts(text: string, authors: readonly string[] = []): Map<number, number> {
  const counts = new Map<number, number>();
  const add = (h: number) => counts.set(h, (counts.get(h) ?? 0) + 1);
  let prev = -1;
  for (const w of words(text)) {
    const h = hashString(w);
    add(h);
    if (prev >= 0) add(bigramHash(prev, h));
    prev = h;
  }
  for (const a of authors) add(hashString('author:' + authorKey(a)));
  return counts;
}
