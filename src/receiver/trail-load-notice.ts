import { MAX_TRAIL_JSON_DEPTH, skippedTotal, type TrailLoad } from './trail.js';

/**
 * The one line that tells the operator what loading the trail skipped, or
 * `undefined` when every line loaded.
 *
 * @example
 * trailLoadNotice('trail.jsonl', load);
 * // 'audit trail trail.jsonl: loaded 12 record(s); skipped 2 malformed line(s): 1 not valid JSON, 1 torn last line (cut off) …'
 */
export function trailLoadNotice(file: string, load: TrailLoad): string | undefined {
  const { skipped } = load;
  const total = skippedTotal(skipped);
  if (total === 0) return undefined;
  const kinds: string[] = [];
  if (skipped.notJson > 0) kinds.push(`${skipped.notJson} not valid JSON`);
  if (skipped.tooDeep > 0) kinds.push(`${skipped.tooDeep} nested deeper than ${MAX_TRAIL_JSON_DEPTH} levels`);
  if (skipped.tooLong > 0) kinds.push(`${skipped.tooLong} too long to be a record`);
  if (skipped.invalid > 0) kinds.push(`${skipped.invalid} not a valid record (or an event of an agent the trail does not register)`);
  if (skipped.torn > 0) kinds.push(`${skipped.torn} torn last line (cut off: a write that did not finish)`);
  return (
    `audit trail ${file}: loaded ${load.records} record(s); skipped ${total} malformed line(s): ${kinds.join(', ')}. ` +
    'Skipped lines other than a torn last one stay in the file; check it if you did not edit it by hand.'
  );
}
