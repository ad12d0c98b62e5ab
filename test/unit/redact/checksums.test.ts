import { describe, expect, it } from 'vitest';
import { ibanValid, luhnValid, shannonEntropy } from '../../../src/redact/checksums.js';

describe('luhnValid', () => {
  it.each(['4111111111111111', '4111 1111 1111 1111', '5555-5555-5555-4444', '378282246310005', '79927398713'])('accepts %s', (n) => {
    expect(luhnValid(n)).toBe(true);
  });

  it.each(['4111111111111112', '79927398710', '4111a11111111111', '0', ''])('rejects %s', (n) => {
    expect(luhnValid(n)).toBe(false);
  });
});

describe('ibanValid', () => {
  it.each(['DE89 3704 0044 0532 0130 00', 'GB82WEST12345698765432', 'fr1420041010050500013m02606', 'NL91 ABNA 0417 1643 00'])('accepts %s', (iban) => {
    expect(ibanValid(iban)).toBe(true);
  });

  it.each(['DE89 3704 0044 0532 0130 01', 'DE89 3704 0044 0532 0130', 'GB82WEST1234569876543X', 'XX', '1234567890123456'])('rejects %s', (iban) => {
    expect(ibanValid(iban)).toBe(false);
  });
});

describe('shannonEntropy', () => {
  it('is 0 for empty and uniform text and log2(n) for n distinct characters', () => {
    expect(shannonEntropy('')).toBe(0);
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
    expect(shannonEntropy('0123456789abcdef')).toBe(4);
  });

  it('scores random keys above words', () => {
    expect(shannonEntropy('Qx7vB2mN9pL4tR8wZ1cF')).toBeGreaterThan(4);
    expect(shannonEntropy('passwordpassword')).toBeLessThan(3);
  });
});
