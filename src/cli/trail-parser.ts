/**
 * Trail lines in, audit events out: parses each line, remembers the
 * receiver's agent names for the events after them, and counts the lines
 * that hold no event.
 */
import { MalformedLines } from './malformed-lines.js';
import type { NumberedLine } from '../chain/line-splitter.js';
import { toTrailRecord, type TrailEvent } from './trail-event.js';

/**
 * The state of reading one trail.
 *
 * @example
 * const parser = new TrailParser();
 * const event = parser.parse({ text: line, number: 1 }); // TrailEvent, or undefined for an agent line or a malformed one
 */
export class TrailParser {
  /** Lines that hold no audit event, reported when the command ends. */
  readonly malformed = new MalformedLines();
  private readonly agentNames = new Map<string, string>();

  /** The event on `line`, or `undefined` for a blank line, an agent line, or a malformed line (counted). */
  parse(line: NumberedLine): TrailEvent | undefined {
    if (line.overlong) {
      this.malformed.add(line.number);
      return undefined;
    }
    if (line.text.trim() === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch {
      this.malformed.add(line.number);
      return undefined;
    }
    const record = toTrailRecord(value, line.text, line.number, this.agentNames);
    if (record.kind === 'event') return record.event;
    if (record.kind === 'agent') this.agentNames.set(record.id, record.name);
    else this.malformed.add(line.number);
    return undefined;
  }
}
