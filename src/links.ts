import { signToken } from './http/tokens.js';

/** Builds the signed links that go into mails and pages. */
export interface Links {
  confirm(s: { id: number; confirmNonce: string | null }): string;
  unsubscribe(s: { id: number; tokenVersion: number }): string;
  preferences(s: { id: number; tokenVersion: number }): string;
  /** A 👍 (up) or 👎 (down) vote on one paper of a digest. */
  feedback(s: { id: number; tokenVersion: number }, paperId: string, vote: 'up' | 'down'): string;
  /** A sent digest, viewed in the browser. */
  digest(s: { id: number; tokenVersion: number }, digestId: number): string;
}

/** Links under `publicUrl`, signed with `secret`. */
export function makeLinks(publicUrl: string, secret: string): Links {
  // A digest holds ~40 links of one subscriber: the last token is kept, so its HMAC is computed once per mail.
  let last = { id: 0, version: -1, token: '' };
  const manage = (s: { id: number; tokenVersion: number }) => {
    if (s.id !== last.id || s.tokenVersion !== last.version) last = { id: s.id, version: s.tokenVersion, token: signToken(secret, 'manage', s.id, s.tokenVersion) };
    return last.token;
  };
  return {
    confirm: (s) => `${publicUrl}/confirm/${signToken(secret, 'confirm', s.id, s.confirmNonce ?? '')}`,
    unsubscribe: (s) => `${publicUrl}/unsubscribe/${manage(s)}`,
    preferences: (s) => `${publicUrl}/preferences/${manage(s)}`,
    feedback: (s, paperId, vote) => `${publicUrl}/feedback/${manage(s)}/${encodeURIComponent(paperId)}/${vote}`,
    digest: (s, digestId) => `${publicUrl}/digests/${digestId}/${manage(s)}`,
  };
}
