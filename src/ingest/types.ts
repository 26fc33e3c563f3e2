import type { Paper } from '../model.js';

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
