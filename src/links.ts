import { signToken } from './http/tokens.js';

/** Builds the signed links that go into mails and pages. */
export interface Links {
  confirm(s: { id: number; confirmNonce: string | null }): string;
  unsubscribe(s: { id: number; tokenVersion: number }): string;
}

/** Links under `publicUrl`, signed with `secret`. */
export function makeLinks(publicUrl: string, secret: string): Links {
  return {
    confirm: (s) => `${publicUrl}/confirm/${signToken(secret, 'confirm', s.id, s.confirmNonce ?? '')}`,
    unsubscribe: (s) => `${publicUrl}/unsubscribe/${signToken(secret, 'manage', s.id, s.tokenVersion)}`,
  };
}
