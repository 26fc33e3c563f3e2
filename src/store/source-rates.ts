// How many papers each source brought lately: what the preferences page says a source brings.
import type { Db } from '../db/open.js';
import { stmt } from './statements.js';

/** Papers first seen since `since` (ISO), per source: arXiv (an arXiv id: no colon), Hugging Face (upvotes),
 *  bioRxiv and medRxiv (their subjects), each journal feed (its code). */
export function sourceCounts(db: Db, since: string): Map<string, number> {
  // arXiv ids are the only ids without a colon (title:, doi:, url: ids have one).
  const named = stmt(db, `
    SELECT coalesce(sum(id NOT LIKE '%:%'), 0) AS arxiv, coalesce(sum(upvotes IS NOT NULL), 0) AS huggingface
    FROM papers WHERE first_seen >= ?`).get(since) as { arxiv: number; huggingface: number };
  // One count per paper and server or journal, from the categories each paper carries.
  const tagged = stmt(db, `
    SELECT CASE WHEN c.value LIKE 'journal.%' THEN c.value ELSE substr(c.value, 1, 7) END AS source, count(DISTINCT p.id) AS n
    FROM papers p, json_each(p.categories) c
    WHERE p.first_seen >= ? AND (c.value LIKE 'journal.%' OR c.value LIKE 'biorxiv.%' OR c.value LIKE 'medrxiv.%')
    GROUP BY source`).all(since) as { source: string; n: number }[];
  return new Map([['arxiv', named.arxiv], ['huggingface', named.huggingface], ...tagged.map((t) => [t.source, t.n] as const)]);
}
