/**
 * Regroups flattened, indexed attribute keys (`prefix.{i}.rest`), the way
 * OpenInference and OpenLLMetry ≤ 0.22 write lists of messages, parts and
 * tool calls, into one record per index.
 */

/** A group's keys are the part after `prefix.{i}.`; null-prototype, so a key like `__proto__` is just a key. */
export type IndexedGroup = Record<string, unknown>;

// An index longer than this is not a list position but noise: skipping it
// keeps the grouping bounded by the number of keys, whatever the key says.
const MAX_INDEX_DIGITS = 6;

/**
 * The records of `prefix.{i}.*` in index order (gaps closed: the SDK may have
 * dropped keys past its attribute limit). Keys without an index are ignored.
 *
 * @example
 * regroupIndexed({ 'm.1.role': 'user', 'm.0.role': 'system', 'm.0.content': 'Be brief.' }, 'm');
 * // → [{ role: 'system', content: 'Be brief.' }, { role: 'user' }]
 */
export function regroupIndexed(source: Readonly<Record<string, unknown>>, prefix: string): IndexedGroup[] {
  const head = `${prefix}.`;
  let groups: Map<number, IndexedGroup> | undefined;
  for (const key of Object.keys(source)) {
    if (!key.startsWith(head)) continue;
    const dot = key.indexOf('.', head.length);
    const index = parseIndex(key, head.length, dot);
    if (index === undefined) continue;
    groups ??= new Map();
    let group = groups.get(index);
    if (group === undefined) {
      group = Object.create(null) as IndexedGroup;
      groups.set(index, group);
    }
    group[key.slice(dot + 1)] = source[key];
  }
  if (groups === undefined) return [];
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, group]) => group);
}

/** The digits between `start` and `dot`, as a list index; undefined when they are not one. */
function parseIndex(key: string, start: number, dot: number): number | undefined {
  const length = dot - start;
  if (length < 1 || length > MAX_INDEX_DIGITS) return undefined;
  let index = 0;
  for (let i = start; i < dot; i++) {
    const digit = key.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    index = index * 10 + digit;
  }
  return index;
}
