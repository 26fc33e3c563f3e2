import type { Paper, Rejection } from '../model.js';

/** The source formats Paperboy reads. */
export const FORMATS = ['hf-daily', 'arxiv-atom', 'arxiv-rss', 'journal', 'rxiv', 'listing', 'jsonl'] as const;
export type Format = (typeof FORMATS)[number];

/** What every parser returns: the good records and the rejected ones. */
export interface ParseResult {
  papers: Paper[];
  rejected: Rejection[];
}
