/**
 * Errors a web request can cause, as values the error handler turns into `{ "error": "…" }` with
 * their status. A refusal from the guild's rules also carries its `reason` (the service's own
 * word, for scripts) and, for a draw, the record as it is now (`draw`), so a page can show what
 * changed. Anything else is a bug: logged, and answered with a generic 500.
 */
export type HttpStatus = 400 | 401 | 403 | 404 | 409 | 429 | 502 | 503;

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly statusCode: HttpStatus,
    message: string,
    /** Extra fields of the JSON answer beside `error`: `reason`, `draw`, `suggestions`, … */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, extra?: Record<string, unknown>) => new HttpError(400, message, extra);
export const forbidden = (message: string, extra?: Record<string, unknown>) => new HttpError(403, message, extra);
export const notFound = (message: string, extra?: Record<string, unknown>) => new HttpError(404, message, extra);
export const conflict = (message: string, extra?: Record<string, unknown>) => new HttpError(409, message, extra);
export const unavailable = (message: string, extra?: Record<string, unknown>) => new HttpError(503, message, extra);
export const notSignedIn = () => new HttpError(401, 'Not signed in. Sign in with Discord at /signin.');
