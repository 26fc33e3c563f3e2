import { signToken } from './tokens.js';

/** What a subscriber's links are signed over: the row id (shown only encrypted) and the versions that retire old links. */
export interface LinkSubject {
  id: number;
  /** Retires unsubscribe links (bumped on resubscribe). */
  tokenVersion: number;
  /** Retires preferences and digest links (bumped on unsubscribe). */
  manageVersion: number;
}

/** Builds the signed links that go into mails and pages; each link's token does one thing only. */
export interface Links {
  /** Opens the page that confirms one sign-up request. */
  confirm(requestId: number): string;
  /** Unsubscribes (the page's button, RFC 8058 one-click); nothing else. */
  unsubscribe(s: LinkSubject): string;
  /** Opens the preferences: interests, schedule, resubscribe, delete my data. */
  preferences(s: LinkSubject): string;
  /** The page that records a 👍 (up) or 👎 (down) on one paper of the digest of local day `date`. */
  feedback(s: LinkSubject, date: string, paperId: string, vote: 'up' | 'down'): string;
  /** The digest of local day `date`, in the browser. */
  digest(s: LinkSubject, date: string): string;
}

/** Links under `publicUrl`, signed with `secret`. */
export function makeLinks(publicUrl: string, secret: string): Links {
  // A digest holds ~40 feedback links of one digest: its token is kept, so it is computed once per mail.
  let last = { key: '', token: '' };
  const digestToken = (s: LinkSubject, date: string) => {
    const key = `${s.id}:${s.manageVersion}:${date}`;
    if (key !== last.key) last = { key, token: signToken(secret, 'digest', s.id, s.manageVersion, date) };
    return last.token;
  };
  return {
    confirm: (requestId) => `${publicUrl}/confirm/${signToken(secret, 'confirm', requestId, 0)}`,
    unsubscribe: (s) => `${publicUrl}/unsubscribe/${signToken(secret, 'unsubscribe', s.id, s.tokenVersion)}`,
    preferences: (s) => `${publicUrl}/preferences/${signToken(secret, 'manage', s.id, s.manageVersion)}`,
    feedback: (s, date, paperId, vote) => `${publicUrl}/feedback/${digestToken(s, date)}/${encodeURIComponent(paperId)}/${vote}`,
    digest: (s, date) => `${publicUrl}/digests/${digestToken(s, date)}`,
  };
}
