import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';

/** The Content-Security-Policy of our own pages: nothing inline, nothing from elsewhere. */
export const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** The policy for a digest shown in the browser: the mail's own inline styles, images over https, no script, no forms. */
export const DIGEST_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; form-action 'none'; " +
  "frame-ancestors 'none'; base-uri 'none'";

/** The policy for the browsable API docs (Swagger UI uses inline styles). */
export const DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // Links carry tokens: never send them to the sites papers link to. Not 'no-referrer', which
  // would make browsers send `Origin: null` on our own form posts.
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
};

/** onSend hook: security headers on every answer, and a CSP unless the route set its own. */
export async function securityHeaders(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  for (const [name, value] of Object.entries(HEADERS)) void reply.header(name, value);
  if (!reply.hasHeader('content-security-policy')) {
    void reply.header('content-security-policy', req.url.startsWith('/docs') ? DOCS_CSP : PAGE_CSP);
  }
  // Pages behind tokens are personal: no shared cache may keep them.
  if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
}

/**
 * Builds an onRequest hook refusing cross-site POSTs (a stranger's page submitting our forms).
 * Browsers send Sec-Fetch-Site and Origin on POST; mail providers' one-click POSTs and API clients send neither.
 */
export function sameOriginPosts(publicUrl: string) {
  const own = new URL(publicUrl).origin;
  return async (req: FastifyRequest): Promise<void> => {
    if (req.method !== 'POST') return;
    // Sec-Fetch-Site, when the browser sends it, is the browser's own verdict; Origin is the fallback.
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined) {
      if (site !== 'same-origin' && site !== 'none') throw crossSite();
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== own && origin !== hostOrigin(req)) throw crossSite();
  };
}

/** The origin the request was addressed to, from its Host header (a server reached by another name than PUBLIC_URL). */
function hostOrigin(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

function crossSite(): ApiError {
  return new ApiError(403, 'cross_site_post', 'This form can only be sent from a Paperboy page; open the page from your mail and submit it there');
}
