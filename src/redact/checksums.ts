/**
 * The checks that tell a real card number, IBAN or key from a run of
 * characters that merely has the shape. Pure, no allocation beyond the
 * entropy's tally.
 */

/**
 * True when `digits` passes the Luhn (mod 10) check used by payment cards.
 * Spaces and dashes are skipped (cards are written `4111 1111 …`); any other
 * character, or fewer than two digits, fails.
 *
 * @example
 * luhnValid('4111 1111 1111 1111'); // true
 * luhnValid('4111 1111 1111 1112'); // false
 */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let count = 0;
  for (let i = digits.length - 1; i >= 0; i--) {
    const code = digits.charCodeAt(i);
    if (code === 32 || code === 45) continue;
    if (code < 48 || code > 57) return false;
    let digit = code - 48;
    // Every second digit from the right is doubled; 2·d > 9 sums its two digits, i.e. 2·d − 9.
    if (count % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
    count++;
  }
  return count >= 2 && sum % 10 === 0;
}

// IBAN lengths per country, from the SWIFT IBAN registry (ISO 13616). A code
// not listed is checked only for the general 15–34 length and mod-97.
const IBAN_LENGTHS: Readonly<Record<string, number>> = Object.fromEntries(
  ('AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 ' +
    'DO28 EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 ' +
    'IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 ' +
    'MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 ' +
    'SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30')
    .split(' ')
    .map((entry) => [entry.slice(0, 2), Number(entry.slice(2))]),
);

/**
 * True when `text` (spaces allowed, any case) is an IBAN: country code,
 * two check digits, a BBAN of the country's length, and the ISO 7064
 * mod-97-10 remainder 1 over the rearranged number.
 *
 * @example
 * ibanValid('DE89 3704 0044 0532 0130 00'); // true
 * ibanValid('DE89 3704 0044 0532 0130 01'); // false
 */
export function ibanValid(text: string): boolean {
  const iban = text.replace(/ /g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const expected = IBAN_LENGTHS[iban.slice(0, 2)];
  if (expected !== undefined && iban.length !== expected) return false;
  // Move the first four characters to the end, read letters as 10…35, and
  // reduce digit by digit so the number never leaves the safe-integer range.
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const code = rearranged.charCodeAt(i);
    remainder = code <= 57 ? (remainder * 10 + (code - 48)) % 97 : (remainder * 100 + (code - 55)) % 97;
  }
  return remainder === 1;
}

/**
 * Shannon entropy of `text` in bits per character (0 for an empty string):
 * random keys score 4–6, words and identifiers mostly below 3.5.
 *
 * @example
 * shannonEntropy('aaaa'); // 0
 * shannonEntropy('abcd'); // 2
 */
export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  const tally = new Map<number, number>();
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    tally.set(code, (tally.get(code) ?? 0) + 1);
  }
  let bits = 0;
  for (const count of tally.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
