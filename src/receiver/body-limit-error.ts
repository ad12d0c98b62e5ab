import { HttpError } from './http-error.js';

/**
 * A request body past one of the receiver's own limits (`maxBodyBytes`: 413,
 * `maxJsonDepth`: 400). Its own class because it is answered the same on
 * every route: the AgenticAudit route answers other body problems 422, as
 * that service does, but these limits are the receiver's, not the API's.
 */
export class BodyLimitError extends HttpError {}
