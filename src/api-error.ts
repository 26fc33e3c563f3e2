// The one error type of the service: a status and a stable code, raised by the sign-up service and the routes, shaped
// into the JSON API's answer or a page by http/errors.ts.

/** The one error shape of the JSON API: `{"error":{"code","message","field"?}}`. */
export interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
}

/** An error with a status and a stable code, raised by handlers and shaped by the error handler. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly field?: string,
    /** Seconds after which a refused request may be repeated (sent as Retry-After). */
    readonly retryAfter?: number) {
    super(message);
  }
}
