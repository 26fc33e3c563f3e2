// How two records of one paper become one: the same paper arrives from Hugging Face (upvotes,
// thumbnail), from arXiv (categories) and again as a new version; none of them may lose a field.
import type { Paper } from '../model.js';

/** The earlier of two ISO dates, or whichever is known. */
function earliest(a: string | null, b: string | null): string | null {
  if (!a || !b) return a ?? b;
  return a < b ? a : b;
}

/** Merges `incoming` into `stored`: new non-empty values win, the earliest published and first-seen dates stay. */
export function mergePaper(stored: Paper, incoming: Paper): Paper {
  return {
    id: stored.id,
    title: incoming.title || stored.title,
    abstract: incoming.abstract || stored.abstract,
    authors: incoming.authors.length > 0 ? incoming.authors : stored.authors,
    categories: incoming.categories.length > 0 ? incoming.categories : stored.categories,
    published: earliest(stored.published, incoming.published),
    url: incoming.url ?? stored.url,
    pdfUrl: incoming.pdfUrl ?? stored.pdfUrl ?? null,
    codeUrl: incoming.codeUrl ?? stored.codeUrl ?? null,
    thumbnail: incoming.thumbnail ?? stored.thumbnail ?? null,
    upvotes: incoming.upvotes ?? stored.upvotes ?? null,
    comments: incoming.comments ?? stored.comments ?? null,
    firstSeen: earliest(stored.firstSeen ?? null, incoming.firstSeen ?? null) ?? undefined,
  };
}
