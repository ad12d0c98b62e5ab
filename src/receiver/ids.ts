import { randomFillSync } from 'node:crypto';

// Crockford base32, lower-case, as in the service's ids (`agt_01hx9z3k…`).
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16; // 16 × 5 bits = 80 random bits
const POOL_SIZE = 4096;

// Ids are minted for every ingested event, on the hot path: random bytes come
// from a pool refilled once per 256 ids, and the time part is encoded once
// per millisecond.
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;
let encodedMillis = -1;
let encodedTime = '';

/**
 * Mints a ULID-shaped id: `<prefix>_` + 10 characters of millisecond time +
 * 16 random characters. Ids sort roughly by creation time, which keeps the
 * JSONL trail easy to read.
 */
export function newId(prefix: 'agt' | 'evt'): string {
  const now = Date.now();
  if (now !== encodedMillis) {
    encodedMillis = now;
    encodedTime = encodeTime(now);
  }
  if (poolOffset + RANDOM_CHARS > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  let random = '';
  // Each byte contributes its low 5 bits: one character, no modulo bias.
  for (let i = 0; i < RANDOM_CHARS; i++) random += ALPHABET.charAt(pool[poolOffset++]! & 31);
  return `${prefix}_${encodedTime}${random}`;
}

function encodeTime(millis: number): string {
  let text = '';
  let rest = millis;
  for (let i = 0; i < TIME_CHARS; i++) {
    text = ALPHABET.charAt(rest % 32) + text;
    rest = Math.floor(rest / 32);
  }
  return text;
}
