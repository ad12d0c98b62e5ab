/**
 * Asking what kind a value of the agent's is, without reading it: a proxy or
 * a throwing getter cannot make the question throw. Used to name what was
 * given instead of what was asked for (`'a number'`, `'null'`, `'a list'`).
 */

/**
 * `'undefined'`, `'null'`, `'a list'`, `'an object'`, or `'a'` and the
 * `typeof` of anything else (`'a function'`, `'a symbol'`, …).
 *
 * @example
 * describeKind(42); // 'a number'
 * describeKind([]); // 'a list'
 */
export function describeKind(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'object') {
    try {
      return Array.isArray(value) ? 'a list' : 'an object';
    } catch {
      return 'an object that cannot be read'; // a revoked proxy
    }
  }
  return `a ${typeof value}`;
}

/**
 * `Array.isArray`, false where asking throws (a revoked proxy).
 *
 * @example
 * isList(new Proxy([], {})); // true
 */
export function isList(value: unknown): value is readonly unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}
