/**
 * The gateway's `Authorization: Bearer <key>` check (RFC 6750 §2.1; the
 * scheme is matched case-insensitively, RFC 7235 §2.1). Written apart from
 * the receiver's on purpose: the gateway sits in the library's stages, and
 * nothing there imports the receiver.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const BEARER = /^bearer ([^\s]+)$/i;

/**
 * A check of the `Authorization` header against `apiKey`: returns why a
 * request is refused, or undefined when it may pass. Without a key every
 * request passes. Messages never echo a token.
 *
 * @example
 * const refuse = bearerCheck('s3cret');
 * refuse('Bearer s3cret'); // undefined
 */
export function bearerCheck(apiKey: string | undefined): (header: string | undefined) => string | undefined {
  if (apiKey === undefined) return () => undefined;
  // Digests of equal length, so the compare is constant-time whatever length was sent.
  const expected = createHash('sha256').update(apiKey).digest();
  return (header) => {
    if (header === undefined || header === '') return "missing Authorization header; send 'Authorization: Bearer <key>' with the gateway's API key";
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) return "malformed Authorization header; expected 'Bearer <key>'";
    const given = createHash('sha256').update(token).digest();
    return timingSafeEqual(given, expected) ? undefined : 'invalid API key; check the key the gateway was started with (apiKey, --api-key)';
  };
}
