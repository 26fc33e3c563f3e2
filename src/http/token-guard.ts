// The pre-handler of every route behind a link token: it resolves `:token` once, answers the "link not valid" page
// (404) when the token opens nothing, and otherwise puts what it opens on the request for the handler.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendPage, type PageRenderer } from './page-renderer.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** What the route's link token opened, put there by a TokenGuard's pre-handler (null on other routes). */
    linkHolder: object | null;
  }
}

/** The page shown for a token that resolves to nobody: forged, truncated, used, replaced or erased. */
export const INVALID_LINK = {
  title: 'Link not valid', heading: 'This link is not valid',
  message: 'Check that the whole link was copied. Links stop working once used, when a newer mail replaces them, or when the data was deleted.',
  link: { href: '/#subscribe', label: 'Sign up again' },
};

/** The page for a digest's view or vote link that opens nothing: also kept digests end (RETENTION_DAYS). */
export function invalidDigestLink(retentionDays: number): typeof INVALID_LINK {
  return { ...INVALID_LINK, message: `${INVALID_LINK.message} A digest, and the links in it, are kept for ${retentionDays} days.` };
}

/** One kind of link token on routes: the pre-handler to give them, and what it found, for their handlers. */
export interface TokenGuard<T extends object> {
  preHandler(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined>;
  /** What the pre-handler found for this request. */
  of(req: FastifyRequest): T;
}

/** A guard over `resolve` (null: the token opens nothing, and the route answers INVALID_LINK with 404). */
export function tokenGuard<T extends object>(page: PageRenderer, resolve: (token: string) => T | null): TokenGuard<T> {
  return {
    async preHandler(req, reply) {
      const found = resolve((req.params as { token: string }).token);
      if (!found) return sendPage(reply, page, 'message', INVALID_LINK, 404);
      req.linkHolder = found;
      return undefined;
    },
    of(req) {
      if (!req.linkHolder) throw new Error(`${req.routeOptions.url}: a route without its token guard`);
      return req.linkHolder as T;
    },
  };
}
