// Domain types shared by every stage of the flow: ingest → store → rank → digest → mail.
import type { Citation } from './citation.js';

/** A research paper as Paperboy stores it. `id` is a normalised arXiv id, or `title:<hash>` when none is known. */
export interface Paper {
  id: string;
  title: string;
  abstract: string;
  authors: string[];
  /** arXiv categories, primary first. */
  categories: string[];
  /** ISO 8601 date-time the paper was published, when the source says. */
  published: string | null;
  /** Link to the abstract page. */
  url: string | null;
  pdfUrl?: string | null;
  codeUrl?: string | null;
  thumbnail?: string | null;
  /** The DOI a journal gave the paper (lower case, no resolver prefix), when the source says. */
  doi?: string | null;
  /** Where it was published (volume, first page, year): arXiv's journal-ref, or a journal entry's prism fields. */
  citation?: Citation | null;
  /** Hugging Face upvotes at the last fetch. */
  upvotes?: number | null;
  comments?: number | null;
  /** ISO date-time Paperboy first stored this paper; set by the store. */
  firstSeen?: string;
}

/** A record of a source that was not stored, and why; `where` names the line or entry. */
export interface Rejection {
  where: string;
  reason: string;
}

/** What a subscriber told us they care about. */
export interface Profile {
  keywords: string[];
  categories: string[];
  authors: string[];
  about: string;
  /** arXiv ids of papers the subscriber likes. */
  papers: string[];
  /** Thumbs up (+1) and down (-1) clicked in earlier digests. */
  votes: { paperId: string; vote: 1 | -1 }[];
}

/** One paper placed in a digest, with the reasons it was picked. */
export interface RankedPaper {
  paper: Paper;
  score: number;
  why: string[];
}

/** What a subscriber states about their interests and delivery hour. */
export interface Interests {
  keywords: string[];
  categories: string[];
  authors: string[];
  about: string;
  papers: string[];
  timezone: string;
  hour: number;
}

/** How often digests go out: every day, or once a week on `weekday`. */
export type Frequency = 'daily' | 'weekly';

/** A subscriber's lifecycle: pending (awaiting confirmation) → active → unsubscribed. */
export type SubscriberStatus = 'pending' | 'active' | 'unsubscribed';

/** A person on the list, with their interests and delivery time. */
export interface Subscriber {
  id: number;
  email: string;
  status: SubscriberStatus;
  profile: Profile;
  timezone: string;
  hour: number;
  /** The version unsubscribe links are signed over; bumped on resubscribe, so links of an earlier subscription stop working. */
  tokenVersion: number;
}

/** One reference of a subscriber's library as read from a reference manager's export or a pasted line, before it is
 *  matched to a stored paper. */
export interface LibraryEntry {
  /** Where it was in what was sent: "entry 3 (smith2020)", "record 2", "line 4". */
  where: string;
  /** The title with LaTeX decoded and invisible characters dropped; '' when the reference has none. */
  title: string;
  abstract: string;
  authors: string[];
  /** Bare arXiv id (no version), from an eprint field, an arxiv.org link or a 10.48550/arXiv.<id> DOI. */
  arxivId: string | null;
  /** Lower-case DOI without resolver prefix. */
  doi: string | null;
  /** Title keys to match stored papers by (paper-identity's titleKey of the decoded title, and of the title with its
   *  LaTeX markup dropped rather than decoded, when that differs). */
  titleKeys: string[];
  /** When it entered the library: the export's date-added (or timestamp), else the day the library was uploaded;
   *  YYYY-MM-DD (or YYYY-MM, YYYY as written). Null only until the upload day is set (see datedOn). */
  added: string | null;
  /** Where `added` came from: the export's own field, or the upload day (the export had none). */
  addedFrom?: 'export' | 'upload';
}
