import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ValidationIssue } from './forms.js';
import type { PageRenderer } from './page-renderer.js';
import { PROFILE_LIMITS } from '../rank/limits.js';
import { BODY_LIMIT } from './limits.js';
import { TOKEN_PATTERN } from '../links/tokens.js';
import { ApiError, type ApiErrorBody } from '../api-error.js';

/** Maps any error to the API shape: 4xx say what to fix, 5xx leak nothing. */
export function toApiError(err: FastifyError | ApiError | Error): ApiError {
  if (err instanceof ApiError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const first = err.validation[0];
    const field = first.instancePath.replace(/^\//, '').replace(/\//g, '.') || undefined;
    if (first.keyword === 'unrecognized_keys') {
      const keys = (first.params as { keys?: string[] }).keys ?? [];
      return new ApiError(400, 'unknown_field', `Unknown field: ${keys.join(', ')}`, keys[0]);
    }
    if (!field && first.keyword === 'invalid_type') {
      // The body as a whole is not an object: a bare string, a number, a JSON array.
      return new ApiError(400, 'invalid_body', 'Send the fields as a JSON object or as a form (application/x-www-form-urlencoded)');
    }
    const message = first.message ?? 'is not valid';
    return new ApiError(400, 'invalid_input', field ? `${field}: ${message}` : message, field);
  }
  const status = (err as FastifyError).statusCode ?? 500;
  if (status === 413) return new ApiError(413, 'body_too_large', 'The request body is too large (limit 16 KB)');
  if (status === 415) return new ApiError(415, 'unsupported_media_type', 'Send JSON or a form (application/x-www-form-urlencoded)');
  if (status === 429) return new ApiError(429, 'rate_limited', err.message);
  if (status >= 400 && status < 500) return new ApiError(status, (err as FastifyError).code?.toLowerCase() ?? 'bad_request', err.message);
  return new ApiError(500, 'internal', 'Something went wrong on our side; it has been logged');
}

/**
 * The body's field issues of a form route validated with `attachValidation` (null when the body is valid): the
 * route shows the form again with them. What no form of ours can send (a body that is not a form, a field the
 * form does not have, a bad token in the path) goes to the error handler, as on every other route.
 */
export function formIssues(req: FastifyRequest): ValidationIssue[] | null {
  const err = req.validationError as (Error & { validationContext?: string }) | undefined;
  if (!err) return null;
  if (err.validationContext !== 'body' || !hasZodFastifySchemaValidationErrors(err)) throw err;
  if (err.validation.some((i) => i.instancePath === '/' || i.keyword === 'unrecognized_keys')) throw err;
  return err.validation;
}

/** True for paths that answer JSON (the API, the operator endpoints and the ESP webhooks); every other path answers HTML pages. */
export function wantsJson(url: string): boolean {
  return /^\/(api|docs|metrics|healthz|webhooks)(\/|\?|$)/.test(url);
}

const HEADINGS: Record<number, string> = {
  400: 'Please check what you sent', 403: 'Not allowed from here', 404: 'Page not found', 405: 'Not allowed',
  410: 'This link has expired', 413: 'That was too much', 415: 'Please use the form', 429: 'Too many requests',
};

const PREFERENCES_PATH = new RegExp(`^/preferences/(${TOKEN_PATTERN})(/|$)`);

const UNSUBSCRIBE_PATH = new RegExp(`^/unsubscribe/(${TOKEN_PATTERN})(/|$)`);

/** Where an error page leads: back to the page whose form was sent, else home. */
function backLink(req: FastifyRequest): { href: string; label: string } {
  if (req.method === 'POST' && req.url.startsWith('/subscribe')) return { href: '/#subscribe', label: 'Back to the form' };
  const prefs = PREFERENCES_PATH.exec(req.url);
  if (prefs) return { href: `/preferences/${prefs[1]}`, label: 'Back to your preferences' };
  const unsub = UNSUBSCRIBE_PATH.exec(req.url);
  if (unsub) return { href: `/unsubscribe/${unsub[1]}`, label: 'Back' };
  return { href: '/', label: 'Go to the home page' };
}

/** A body past the byte limit of a route that takes a library: the library is what was too large. */
function libraryBodyTooLarge(req: FastifyRequest, err: FastifyError, api: ApiError): ApiError {
  if (err.code !== 'FST_ERR_CTP_BODY_TOO_LARGE' || (req.routeOptions.bodyLimit ?? 0) <= BODY_LIMIT) return api;
  const L = PROFILE_LIMITS;
  return new ApiError(413, 'library_too_large', `The request is too large: a library may be at most ${L.libraryBytes / 1024 / 1024} MB and ${L.libraryEntries.toLocaleString('en')} references, the other fields 16 KB. Nothing was stored`, 'library');
}

/** Builds the Fastify error handler: the JSON API shape on JSON paths, a friendly page elsewhere; logs 5xx. */
export function makeErrorHandler(page: PageRenderer) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
    const api = libraryBodyTooLarge(req, err, toApiError(err));
    if (api.status >= 500) req.log.error({ err }, 'request failed');
    void reply.status(api.status);
    if (api.retryAfter) void reply.header('retry-after', String(api.retryAfter));
    if (wantsJson(req.url)) {
      const body: ApiErrorBody = { error: { code: api.code, message: api.message, ...(api.field ? { field: api.field } : {}) } };
      void reply.type('application/json; charset=utf-8').send(body);
      return;
    }
    const heading = api.status >= 500 ? 'Something went wrong' : HEADINGS[api.status] ?? 'That did not work';
    void reply.type('text/html; charset=utf-8').send(page('message', { title: heading, heading, message: api.message, link: backLink(req) }));
  };
}
