import { readFileSync } from 'node:fs';
import { composeDigest, type DigestModel } from '../../src/digest/compose.js';
import { makeLinks } from '../../src/links/urls.js';
import type { Paper, RankedPaper } from '../../src/model.js';

/** 20 real Hugging Face daily papers (the longest abstracts of the sample set) with their real author lists. */
export function samplePapers(): Paper[] {
  const raw = JSON.parse(readFileSync('test/fixtures/digest-papers.json', 'utf8')) as Array<{
    id: string; title: string; abstract: string; authors: string[]; upvotes: number | null;
    thumbnail: string | null; codeUrl: string | null; published: string | null;
  }>;
  return raw.map((p) => ({
    id: p.id, title: p.title, abstract: p.abstract, authors: p.authors, categories: [], published: p.published,
    url: `https://arxiv.org/abs/${p.id}`, pdfUrl: null, codeUrl: p.codeUrl, thumbnail: p.thumbnail, upvotes: p.upvotes,
  }));
}

/** Ranked papers with reasons as the ranker gives them. */
export function ranked(papers: Paper[]): RankedPaper[] {
  return papers.map((paper, i) => ({ paper, score: 10 - i / 10, why: ['matches diffusion, vision language', 'in cs.CV', 'trending'] }));
}

/** A digest model for a subscriber of a real-looking deployment (signed links of real length). */
export function sampleModel(papers: Paper[] = samplePapers(), email = 'ada.lovelace@example.org'): DigestModel {
  const links = makeLinks('https://paperboy.example.org', 'x'.repeat(43));
  const s = { id: 48_213, tokenVersion: 3, manageVersion: 2 };
  return composeDigest({
    email, date: '2026-11-29', ranked: ranked(papers), siteUrl: 'https://paperboy.example.org',
    interests: ['diffusion', 'vision language models', 'cs.CV'], contact: 'Grace Hopper <papers-admin@example.org>',
    links: {
      unsubscribe: links.unsubscribe(s), preferences: links.preferences(s), view: links.digest(s, '2026-11-29'),
      feedback: (paperId, vote) => links.feedback(s, '2026-11-29', paperId, vote),
    },
  });
}
