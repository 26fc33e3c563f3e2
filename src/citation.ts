// Where a paper was published, as volume, first page and year: read from arXiv's free-text journal-ref
// ("Phys. Rev. B 85, 115117 (2012)", "JHEP 02 (2016) 104") and from a journal feed entry's prism: fields, so that a
// preprint and its journal version can be recognised when no DOI links them. Pure; the store decides what to merge.

/** A published paper's place: journal name as written, volume, first page (lower case, no leading zeros), year. */
export interface Citation {
  journal: string;
  volume: string;
  page: string;
  year: string | null;
}

// The longest journal-ref, or journal name, read: real ones are under 120 characters, and the patterns and the name
// comparison below are not linear in the length.
const MAX_REF = 300;

// "Name 85, 115117 (2012)", "Name 600, 70-74 (2021)", "Name 925:12 (2022)", "Phys.Lett.B573:94-100,2003",
// "Name, 35(2):e1914, 2025", "Name 82, 060515(R) (2010)": name, volume, an optional (issue), ',' or ':', first page, optional last page, year.
const VOLUME_PAGE_YEAR =
  /^(?<name>.*?[\p{L}.)]),?\s*(?<volume>\d+)(?:\s*\([^)]*\))?\s*[,:]\s*(?<page>[a-z]?\d+)(?:\(r\))?(?:\s*[-–]+\s*[a-z]?\d+)?(?:\s*,?\s*\(?(?<year>(?:1[89]|20)\d\d)\)?)?\.?$/iu;
// "JHEP 03 (2022) 015", "Eur. Phys. J. C 81 (2021) 123": name, volume, (year), first page.
const VOLUME_YEAR_PAGE =
  /^(?<name>.*?[\p{L}.])\s+(?<volume>\d+)\s*\((?<year>(?:1[89]|20)\d\d)\)\s*(?<page>[a-z]?\d+)(?:\s*[-–]+\s*[a-z]?\d+)?\.?$/iu;

/** A volume or page as compared: lower case, leading zeros dropped ("015" and "15" are one page). */
function norm(s: string): string {
  return s.trim().toLowerCase().replace(/^([a-z]?)0+(?=\d)/, '$1');
}

/** The citation in an arXiv journal-ref, or null when it does not name a journal, volume and first page (proceedings,
 *  "Vol. 3, No. 1, January 2012", "submitted to…"). */
export function parseJournalRef(ref: string): Citation | null {
  const s = ref.replace(/\s+/g, ' ').trim();
  if (s === '' || s.length > MAX_REF) return null;
  const m = VOLUME_PAGE_YEAR.exec(s) ?? VOLUME_YEAR_PAGE.exec(s);
  const g = m?.groups;
  if (!g || nameWords(g.name).length === 0) return null;
  return { journal: g.name.trim(), volume: norm(g.volume), page: norm(g.page), year: g.year ?? null };
}

/** The citation of a journal feed entry (prism:publicationName, prism:volume, prism:startingPage, its date), or null
 *  when the name, volume or first page is missing. */
export function entryCitation(journal: string, volume: string, page: string, date: string | null): Citation | null {
  if (journal.length > MAX_REF || !/\p{L}/u.test(journal) || !/^\s*[a-z]?\d+\s*$/i.test(volume) || !/^\s*[a-z]?\d+\s*$/i.test(page)) return null;
  const year = /^\s*((?:1[89]|20)\d\d)/.exec(date ?? '')?.[1] ?? null;
  return { journal: journal.trim(), volume: norm(volume), page: norm(page), year };
}

/** The citation a JSONL record carries: Paperboy's own export ({journal, volume, page, year}) or a journal-ref
 *  string (as arXiv's metadata dumps give `journal-ref`); null for anything else. */
export function citationOf(v: unknown): Citation | null {
  if (typeof v === 'string') return parseJournalRef(v);
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  const str = (x: unknown): string => (typeof x === 'string' ? x : typeof x === 'number' ? String(x) : '');
  return entryCitation(str(o.journal), str(o.volume), str(o.page), str(o.year) || null);
}

/** What candidates are looked up by in the store: volume and first page. */
export function citeKey(c: Citation): string {
  return `${c.volume}:${c.page}`;
}

// Words a journal's full name has that its abbreviation leaves out.
const STOP_WORDS = new Set(['the', 'of', 'and', 'for', 'in', 'on', 'de', 'der', 'und']);

/** The words of a journal name, lower case, without accents, '&' and stop words. */
function nameWords(name: string): string[] {
  return name.normalize('NFKD').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '' && !STOP_WORDS.has(w));
}

/** True when `abbr` (letters run together) abbreviates `words` in order: each word gives a non-empty piece of it that
 *  starts with the word's first letter, its other letters in the word's order ("physrevb": physical review b). */
function abbreviates(abbr: string, words: string[], i = 0, j = 0, failed = new Set<number>()): boolean {
  if (j === words.length) return i === abbr.length;
  // A place (i, j) that failed once fails again: without remembering it, "aaaa…" against words "aa aa …" tried
  // every way to split the letters (41 letters against 30 words did not finish).
  const place = i * (words.length + 1) + j;
  if (failed.has(place)) return false;
  const w = words[j];
  // Take abbr[i..end) from w: a subsequence of w beginning at its first letter.
  for (let end = i + 1, k = 1; abbr[i] === w[0] && end <= abbr.length; end++) {
    if (end > i + 1) {
      while (k < w.length && w[k] !== abbr[end - 1]) k++;
      if (k === w.length) break;
      k++;
    }
    if (abbreviates(abbr, words, end, j + 1, failed)) return true;
  }
  failed.add(place);
  return false;
}

/** True when two journal names can be the same journal: one abbreviates every word of the other ("ApJ" and "The
 *  Astrophysical Journal", "Phys. Rev. D" and "Physical Review D"), but not "Nature" and "Nature Physics". */
export function sameJournal(a: string, b: string): boolean {
  const wa = nameWords(a);
  const wb = nameWords(b);
  if (wa.length === 0 || wb.length === 0) return false;
  return abbreviates(wa.join(''), wb) || abbreviates(wb.join(''), wa);
}

/** True when two citations name one article: same volume and first page, the same year when both give one, and
 *  journal names that can be one journal. Conservative: a wrong merge is worse than a missed one. */
export function sameCitation(a: Citation, b: Citation): boolean {
  if (a.volume !== b.volume || a.page !== b.page) return false;
  if (a.year && b.year && a.year !== b.year) return false;
  return sameJournal(a.journal, b.journal);
}
