import type { Paper } from '../model.js';

/** The source formats Paperboy reads. */
export const FORMATS = ['hf-daily', 'arxiv-atom', 'arxiv-rss', 'listing', 'jsonl'] as const;
export type Format = (typeof FORMATS)[number];

/** A record a parser could not use, and why; `where` names the line or entry. */
export interface Rejection {
  where: string;
  reason: string;
}

/** What every parser returns: the good records and the rejected ones. */
export interface ParseResult {
  papers: Paper[];
  rejected: Rejection[];
}
