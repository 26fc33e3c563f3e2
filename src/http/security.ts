import helmet from 'helmet';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../api-error.js';

type Directives = Record<string, string[]>;

/** Our own pages: nothing inline, nothing from elsewhere. */
const PAGE_CSP: Directives = {
  defaultSrc: ["'none'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", 'data:'], connectSrc: ["'self'"],
  formAction: ["'self'"], frameAncestors: ["'none'"], baseUri: ["'none'"],
};

/** A digest shown in the browser (sent, or previewed on the preferences page): the site's frame around the mail's own
 *  inline styles, images over https, our script only, no forms. */
const DIGEST_CSP: Directives = {
  defaultSrc: ["'none'"], styleSrc: ["'self'", "'unsafe-inline'"], scriptSrc: ["'self'"], imgSrc: ["'self'", 'https:', 'data:'], formAction: ["'none'"],
  frameAncestors: ["'none'"], baseUri: ["'none'"],
};

/** The browsable API docs (Swagger UI uses inline styles). */
const DOCS_CSP: Directives = {
  defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], styleSrc: ["'self'", "'unsafe-inline'"], scriptSrc: ["'self'"],
  frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'self'"],
};

/** helmet's headers with exactly these CSP directives (none of helmet's defaults added), built once. */
const policy = (directives: Directives) => helmet({
  contentSecurityPolicy: { useDefaults: false, directives },
  frameguard: { action: 'deny' },
  // Links carry tokens: never send them to the sites papers link to. Not 'no-referrer', which
  // would make browsers send `Origin: null` on our own form posts.
  referrerPolicy: { policy: 'same-origin' },
});

/** Which policy a path gets: the digest views and Swagger UI loosen the page policy, each only as far as it must. */
const POLICIES: [path: RegExp, headers: ReturnType<typeof helmet>][] = [
  [/^\/digests\/|^\/preferences\/[^/?]+\/preview(?:[/?]|$)/, policy(DIGEST_CSP)], [/^\/docs/, policy(DOCS_CSP)], [/^\//, policy(PAGE_CSP)],
];

/** Security headers on every answer (helmet, with our CSPs), and no shared caching of personal pages. */
export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', (req, reply, done) => {
    const [, headers] = POLICIES.find(([path]) => path.test(req.url)) ?? POLICIES[2];
    headers(req.raw, reply.raw, (err) => done(err as Error | undefined));
  });
  app.addHook('onSend', async (_req, reply) => {
    // Pages behind tokens are personal: no shared cache may keep them.
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
  });
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route checks the origin itself, after reading the body (the one-click unsubscribe). */
    anyOrigin?: boolean;
  }
}

/**
 * Builds an onRequest hook refusing cross-site POSTs (a stranger's page submitting our forms).
 * Browsers send Sec-Fetch-Site and Origin on POST; mail providers' one-click POSTs and API clients send neither.
 */
export function sameOriginPosts(publicUrl: string) {
  const own = new URL(publicUrl).origin;
  return async (req: FastifyRequest): Promise<void> => {
    if (req.method !== 'POST' || req.routeOptions.config?.anyOrigin) return;
    checkOrigin(req, own);
  };
}

/**
 * Builds the preValidation hook of the unsubscribe POST: an RFC 8058 one-click body is honoured from any
 * origin (a webmail page may send it; whoever holds the link could send it from anywhere anyway), every
 * other body only from our own pages.
 */
export function oneClickOrSameOrigin(publicUrl: string) {
  const own = new URL(publicUrl).origin;
  return async (req: FastifyRequest): Promise<void> => {
    const body = req.body as Record<string, unknown> | null | undefined;
    if (body?.['List-Unsubscribe'] !== 'One-Click') checkOrigin(req, own);
  };
}

/** Throws 403 unless the browser says the request comes from our own origin (or says nothing). */
function checkOrigin(req: FastifyRequest, own: string): void {
  // Sec-Fetch-Site, when the browser sends it, is the browser's own verdict; Origin is the fallback.
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) {
    if (site !== 'same-origin' && site !== 'none') throw crossSite();
    return;
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== own && origin !== hostOrigin(req)) throw crossSite();
}

/** The origin the request was addressed to, from its Host header (a server reached by another name than PUBLIC_URL). */
function hostOrigin(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

function crossSite(): ApiError {
  return new ApiError(403, 'cross_site_post', 'This form can only be sent from a Paperboy page; open the page from your mail and submit it there');
}
