/**
 * Reading values that other libraries hand us (an SDK's message stream or
 * trace objects, an MCP result, span attributes another instrumentation
 * wrote): any of them may be the wrong shape, and a getter or a revoked
 * proxy may throw on read. These readers never throw.
 */

/**
 * `value[key]`, or undefined when `value` is no object or the read throws.
 *
 * @example
 * member({ id: 'msg_1' }, 'id'); // 'msg_1'
 */
export function member(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/**
 * Non-empty text, else undefined.
 *
 * @example
 * nonEmptyText(''); // undefined
 */
export function nonEmptyText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * A token count: a finite number, not negative; else undefined.
 *
 * @example
 * tokenCount(-1); // undefined
 */
export function tokenCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
