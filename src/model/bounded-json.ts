/**
 * Plain JSON data cut to a length budget without changing its type, so a
 * tool result past the content limit still reads as what it was: an object
 * stays an object, a list stays a list, and every cut says what it cut.
 *
 * - A string is cut with the truncation marker: `…[truncated N chars]`.
 * - An object's budget is shared out (water-filling): members that fit in an
 *   equal share are kept whole, and only the larger ones are cut, each to
 *   that share, so a long `html` does not crowd out `status`. When there are
 *   too many members for each to keep a useful share, the first ones are
 *   kept in order and one marker key stands for the rest:
 *   `"…": "[truncated N more keys]"`.
 * - A list keeps its first items in order (the one that does not fit whole
 *   is cut when enough room is left), then one marker item:
 *   `"[truncated N more items]"`.
 *
 * Sizes are exact: they are the lengths of the JSON text, escapes included.
 */
import { setMember, type JsonValue } from './json-value.js';
import { truncateText } from './truncate-text.js';

// Characters JSON must escape, and lone surrogates (which JSON.stringify escapes).
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const MAX_DEPTH = 100;
const TOO_DEEP = '[nested too deep]';
/** A value given less room than this is not cut but counted in its container's marker: markers alone take about this much. */
const MIN_CUT = 64;
/** The truncation marker `…[truncated N chars]`, without its number. */
const CUT_MARKER_CHARS = '…[truncated  chars]'.length;
const MARKER_KEY = '…';

const moreItems = (count: number): string => `[truncated ${count} more items]`;
const moreKeys = (count: number): string => `[truncated ${count} more keys]`;
/** Room kept for a container's own marker, with its comma, whatever its count. */
const ITEMS_RESERVE = 1 + stringLength(moreItems(Number.MAX_SAFE_INTEGER));
const KEYS_RESERVE = 1 + stringLength(MARKER_KEY) + 1 + stringLength(moreKeys(Number.MAX_SAFE_INTEGER));

/**
 * `value`, or when its JSON text is longer than `maxLength`, a copy cut as
 * the module comment says. The copy's JSON text is at most `maxLength`
 * characters long, markers included, whenever `maxLength` is at least 64
 * (MIN_CUT: every value cut is given at least that, which holds its
 * marker); below that, the one marker standing for the whole value may be
 * longer. Costs a `JSON.stringify` of each member at each level the cut
 * reaches (to measure it), nothing for a value that fits.
 *
 * @param length the length of `value`'s JSON text, when the caller knows it.
 * @example
 * boundJson({ status: 200, html: '<p>…a megabyte…' }, 100);
 * // → { status: 200, html: '<p>…(about 60 characters)…[truncated 1048500 chars]' }
 */
export function boundJson(value: JsonValue, maxLength: number, length = jsonLength(value)): JsonValue {
  return length <= maxLength ? value : fit(value, maxLength, 0);
}

/**
 * The length of `JSON.stringify(value)`.
 *
 * @example
 * jsonLength({ a: 'b"' }); // 11
 */
export function jsonLength(value: JsonValue): number {
  return typeof value === 'string' ? stringLength(value) : JSON.stringify(value).length;
}

function stringLength(text: string): number {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text).length : text.length + 2;
}

/** `value` (too long for `budget`) cut to fit it. */
function fit(value: JsonValue, budget: number, depth: number): JsonValue {
  if (typeof value === 'string') return cutString(value, budget);
  if (value === null || typeof value !== 'object') return value; // a number or flag is never cut (callers keep MIN_CUT)
  if (depth >= MAX_DEPTH) return TOO_DEEP;
  return Array.isArray(value) ? fitItems(value, budget, depth) : fitMembers(value, budget, depth);
}

function cutString(text: string, budget: number): string {
  // What the kept text may take in JSON: the budget less the quotes and the marker.
  const room = budget - 2 - CUT_MARKER_CHARS - String(text.length).length;
  let keep = Math.max(0, Math.min(text.length, room));
  // Escapes make the JSON longer than the text: drop the excess and measure
  // again (each round drops at least what was over, so this ends quickly).
  for (let over = stringLength(text.slice(0, keep)) - 2 - room; keep > 0 && over > 0; over = stringLength(text.slice(0, keep)) - 2 - room) {
    keep = Math.max(0, keep - over);
  }
  const last = text.charCodeAt(keep - 1);
  if (keep > 0 && last >= 0xd800 && last <= 0xdbff) keep--; // a surrogate pair is kept whole or not at all
  return truncateText(text, keep);
}

function fitItems(items: readonly JsonValue[], budget: number, depth: number): JsonValue[] {
  const { kept, next } = fitInOrder(items, undefined, budget - 2 - ITEMS_RESERVE, depth);
  if (next < items.length) kept.push(moreItems(items.length - next));
  return kept;
}

function fitMembers(object: { readonly [key: string]: JsonValue }, budget: number, depth: number): JsonValue {
  const keys = Object.keys(object);
  const values = keys.map((key) => object[key]!);
  const overheads = keys.map((key) => stringLength(key) + 1); // the key and its colon
  const costs = values.map((value, i) => overheads[i]! + jsonLength(value));
  const out: { [key: string]: JsonValue } = {};
  const share = equalShare(values, costs, budget - 2 - Math.max(0, keys.length - 1));
  if (share !== undefined && costs.every((cost, i) => cost <= share || share - overheads[i]! >= MIN_CUT)) {
    for (let i = 0; i < keys.length; i++) {
      setMember(out, keys[i]!, costs[i]! <= share ? values[i]! : fit(values[i]!, share - overheads[i]!, depth + 1));
    }
    return out;
  }
  // Too many members to give each a useful share: the first ones, and a marker for the rest.
  const { kept, next } = fitInOrder(values, overheads, budget - 2 - KEYS_RESERVE, depth);
  for (let i = 0; i < kept.length; i++) setMember(out, keys[i]!, kept[i]!);
  if (next < keys.length) setMember(out, freeKey(object), moreKeys(keys.length - next));
  return out;
}

/**
 * The share each cuttable member (string, list, object) may take so that
 * all members fit in `room`: members costing up to it stay whole, the others
 * are cut to it (the water level over the members' costs). Numbers, flags
 * and null are always whole. Undefined when even they do not fit.
 */
function equalShare(values: readonly JsonValue[], costs: readonly number[], room: number): number | undefined {
  let left = room;
  const cuttable: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (isCuttable(values[i]!)) cuttable.push(costs[i]!);
    else left -= costs[i]!;
  }
  cuttable.sort((a, b) => a - b);
  for (let k = 0; k < cuttable.length; k++) {
    // The share only grows as the small members are taken whole.
    const share = Math.floor(left / (cuttable.length - k));
    if (cuttable[k]! > share) return share;
    left -= cuttable[k]!;
  }
  return left >= 0 ? Number.POSITIVE_INFINITY : undefined;
}

/**
 * Keeps `values` from the first for as long as each fits whole in `room`;
 * the first that does not is cut into what is left, when that is at least
 * MIN_CUT. `overheads[i]` is what the i-th costs besides its value (its
 * key); commas are counted here. `next` is the index of the first value left out.
 */
function fitInOrder(
  values: readonly JsonValue[],
  overheads: readonly number[] | undefined,
  room: number,
  depth: number,
): { kept: JsonValue[]; next: number } {
  const kept: JsonValue[] = [];
  let left = room;
  let next = 0;
  for (; next < values.length; next++) {
    const value = values[next]!;
    const extra = (next > 0 ? 1 : 0) + (overheads?.[next] ?? 0);
    const cost = extra + jsonLength(value);
    if (cost <= left) {
      kept.push(value);
      left -= cost;
      continue;
    }
    if (left - extra >= MIN_CUT && isCuttable(value)) {
      kept.push(fit(value, left - extra, depth + 1));
      next++;
    }
    break;
  }
  return { kept, next };
}

function isCuttable(value: JsonValue): boolean {
  return typeof value === 'string' || (value !== null && typeof value === 'object');
}

/** The marker key, lengthened in the rare object that already has one. */
function freeKey(object: object): string {
  let key = MARKER_KEY;
  while (Object.prototype.hasOwnProperty.call(object, key)) key += MARKER_KEY;
  return key;
}
