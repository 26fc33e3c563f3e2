import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../api-error.js';

/** Whether a request carries the operator's bearer token: 'yes', 'no' (none sent) or 'wrong'. */
export type OperatorCheck = (req: FastifyRequest) => 'yes' | 'no' | 'wrong';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Checks `Authorization: Bearer <METRICS_TOKEN>` in constant time; with no token configured, nobody is the operator. */
export function operatorGuard(token: string | undefined): OperatorCheck {
  const want = token === undefined ? null : digest(token);
  return (req) => {
    const header = req.headers.authorization;
    if (header === undefined) return 'no';
    const m = /^Bearer ([\x21-\x7e]+)$/i.exec(header);
    // Hashes compared, so neither the length nor the content of the token leaks through timing.
    return want && m && timingSafeEqual(digest(m[1]), want) ? 'yes' : 'wrong';
  };
}

/** The 401 of an operations page asked for without the right token (to throw), with its WWW-Authenticate header set. */
export function needsOperator(reply: FastifyReply): ApiError {
  void reply.header('www-authenticate', 'Bearer realm="paperboy operations"');
  return new ApiError(401, 'unauthorized', 'Send the operator token as "Authorization: Bearer <METRICS_TOKEN>"');
}
