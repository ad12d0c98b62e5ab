/**
 * Deterministic UUIDs for services that demand UUID ids (AgentOps sessions,
 * events, agents): the same name always gives the same UUID, so a retry or a
 * restarted process re-sends the same ids and the service can drop duplicates.
 */
import { createHash } from 'node:crypto';

/** Our namespace for RFC 9562 §5.5 name-based (SHA-1, version 5) UUIDs. */
const NAMESPACE = Buffer.from('5d0f3f0c6a6e4a1b9e52c1f0a7d3b8e4', 'hex');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * True for a UUID in its canonical 8-4-4-4-12 hex form, any case.
 *
 * @example
 * isUuid('550e8400-e29b-41d4-a716-446655440000'); // true
 */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}

/**
 * The version 5 UUID of `name` in our namespace.
 *
 * @example
 * derivedUuid('event:4bf9…-00f0…-prompt'); // the same UUID on every call and in every process
 */
export function derivedUuid(name: string): string {
  const bytes = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50; // version 5
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * `id` itself when it is already a UUID (lower-cased), else its derived UUID.
 *
 * @example
 * uuidFor('session', 'support-42'); // a stable UUID; uuidFor('session', randomUUID()) returns that UUID
 */
export function uuidFor(kind: string, id: string): string {
  return isUuid(id) ? id.toLowerCase() : derivedUuid(`${kind}:${id}`);
}
