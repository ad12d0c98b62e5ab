/**
 * A small seeded PRNG (mulberry32) and helpers for property-style tests, so a
 * failing case replays exactly from its seed and iteration.
 */

export type Random = () => number;

export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
export const int = (r: Random, max: number): number => Math.floor(r() * max);
