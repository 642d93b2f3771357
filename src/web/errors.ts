/**
 * Errors a web request can cause, as values the error handler turns into `{ "error": "…" }` with
 * their status. Anything else is a bug: logged, and answered with a generic 500.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly statusCode: 400 | 401 | 403 | 404 | 409 | 429 | 502 | 503,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpError(400, message);
export const forbidden = (message: string) => new HttpError(403, message);
export const notSignedIn = () => new HttpError(401, 'Not signed in. Sign in with Discord at /signin.');
