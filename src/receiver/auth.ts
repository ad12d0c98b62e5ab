import { timingSafeEqual } from 'node:crypto';

// `Bearer` is matched case-insensitively (auth schemes are, RFC 7235 §2.1);
// exactly one space, then a token with no whitespace.
const BEARER = /^bearer ([^\s]+)$/i;

/**
 * Checks an `Authorization` header; returns why it is refused, or `undefined`
 * when it is accepted.
 */
export type Authorizer = (header: string | undefined) => string | undefined;

/**
 * Builds the receiver's authorizer (audit-apis.md §1: `Authorization: Bearer
 * <api key>` on every call, 401 otherwise). With `apiKey` the token must equal
 * it; without, any non-empty token is accepted, as a local dev server should.
 * Messages never echo the token.
 */
export function createAuthorizer(apiKey: string | undefined): Authorizer {
  const expected = apiKey === undefined ? undefined : Buffer.from(apiKey);
  return (header) => {
    if (header === undefined || header === '') {
      return "missing Authorization header; send 'Authorization: Bearer <api key>'";
    }
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) return "malformed Authorization header; expected 'Bearer <api key>'";
    if (expected === undefined) return undefined;
    const given = Buffer.from(token);
    // Constant-time compare so response timing does not leak the key.
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return 'invalid API key; check the key the receiver was started with';
    }
    return undefined;
  };
}
