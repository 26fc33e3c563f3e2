// Which sources a paper came from, read off the paper itself (pure): a subscriber may take papers from some only.
import { ARXIV_ID } from '../arxiv.js';
import type { Paper } from '../model.js';

/** The named sources a subscriber may choose, besides each journal feed's code. */
export const SOURCE_KEYS = ['arxiv', 'huggingface', 'biorxiv', 'medrxiv'] as const;

/** A source key: a named source or a journal's `journal.<…>` code. */
export const SOURCE_KEY = /^(?:arxiv|huggingface|biorxiv|medrxiv|journal\.[a-z-]+)$/;

/** The sources a paper is in: arXiv (an arXiv id), Hugging Face (it has upvotes), bioRxiv or medRxiv (a subject of
 *  theirs), and the journals whose feeds listed it. */
export function paperSources(p: Paper): string[] {
  const out: string[] = [];
  if (ARXIV_ID.test(p.id)) out.push('arxiv');
  if (p.upvotes != null) out.push('huggingface');
  for (const c of p.categories) {
    const server = c.startsWith('biorxiv.') ? 'biorxiv' : c.startsWith('medrxiv.') ? 'medrxiv' : null;
    if (server && !out.includes(server)) out.push(server);
    if (c.startsWith('journal.')) out.push(c);
  }
  return out;
}

/** The papers of the chosen sources; every paper when none is chosen (the default). */
export function fromSources(papers: Paper[], chosen: readonly string[]): Paper[] {
  if (chosen.length === 0) return papers;
  const set = new Set(chosen);
  return papers.filter((p) => paperSources(p).some((s) => set.has(s)));
}
