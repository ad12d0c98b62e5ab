/**
 * What `show`, `tail` and `export` say on stderr once they have read a
 * trail: the malformed lines skipped, and that nothing matched (still exit 0:
 * an empty answer is an answer).
 */
import type { TextSink } from './cli-io.js';
import type { MalformedLines } from './malformed-lines.js';

/** What a read found. */
export interface TrailReadCounts {
  /** Events read, before filtering. */
  readonly read: number;
  /** Events that passed the filters. */
  readonly matched: number;
  /** Whether any filter was given. */
  readonly filtering: boolean;
}

/**
 * Writes the notices for one read of `source` to `stderr`, each prefixed
 * with `command` (`otel-agent-audit show`).
 *
 * @example
 * writeTrailNotices(io.stderr, 'otel-agent-audit show', 'audit.jsonl', parser.malformed, { read: 40, matched: 0, filtering: true });
 * // otel-agent-audit show: no events match the filters (40 events read from audit.jsonl)
 */
export function writeTrailNotices(stderr: TextSink, command: string, source: string, malformed: MalformedLines, counts: TrailReadCounts): void {
  const notices: string[] = [];
  const skipped = malformed.report(source);
  if (skipped !== undefined) notices.push(skipped);
  if (counts.matched === 0) {
    if (counts.read === 0) notices.push(`no audit events in ${source}`);
    else if (counts.filtering) notices.push(`no events match the filters (${counts.read} event${counts.read === 1 ? '' : 's'} read from ${source})`);
  }
  for (const notice of notices) stderr.write(`${command}: ${notice}\n`);
}
