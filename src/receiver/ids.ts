import { randomFillSync } from 'node:crypto';

// Crockford base32, lower-case, as in the service's ids (`agt_01hx9z3k…`).
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const TIME_CHARS = 10;
const RANDOM_BYTES = 10; // 80 bits → 16 base32 characters
const POOL_SIZE = 4096;

// One randomFillSync per ~400 ids instead of one per id: ids are minted for
// every ingested event, on the hot path.
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

/**
 * Mints a ULID-shaped id: `<prefix>_` + 10 characters of millisecond time +
 * 16 random characters. Ids sort roughly by creation time, which keeps the
 * JSONL trail easy to read.
 */
export function newId(prefix: 'agt' | 'evt'): string {
  let id = prefix + '_';
  let time = Date.now();
  let timeChars = '';
  for (let i = 0; i < TIME_CHARS; i++) {
    timeChars = ALPHABET.charAt(time % 32) + timeChars;
    time = Math.floor(time / 32);
  }
  id += timeChars;

  if (poolOffset + RANDOM_BYTES > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  // 10 bytes = two 40-bit groups, each 8 base32 characters.
  for (let group = 0; group < 2; group++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) bits = bits * 256 + (pool[poolOffset++] ?? 0);
    let chars = '';
    for (let i = 0; i < 8; i++) {
      chars = ALPHABET.charAt(bits % 32) + chars;
      bits = Math.floor(bits / 32);
    }
    id += chars;
  }
  return id;
}
