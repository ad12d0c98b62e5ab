/**
 * Lines of a trail that hold no audit event (not JSON, or JSON of another
 * shape): never fatal, counted, and reported once when the command ends,
 * with the numbers of the first few so they can be found.
 */

/** Line numbers listed in the report; beyond, counted. */
const LISTED = 5;

/**
 * The malformed lines of one source.
 *
 * @example
 * const malformed = new MalformedLines();
 * malformed.add(4); malformed.add(9);
 * malformed.report('audit.jsonl'); // 'skipped 2 malformed lines in audit.jsonl (lines 4, 9): …'
 */
export class MalformedLines {
  private total = 0;
  private readonly first: number[] = [];

  /** How many were seen. */
  get count(): number {
    return this.total;
  }

  add(lineNumber: number): void {
    this.total++;
    if (this.first.length < LISTED) this.first.push(lineNumber);
  }

  /** The one-line report, or `undefined` when every line was readable. */
  report(source: string): string | undefined {
    if (this.total === 0) return undefined;
    const more = this.total > this.first.length ? `, and ${this.total - this.first.length} more` : '';
    const lines = `line${this.first.length === 1 ? '' : 's'} ${this.first.join(', ')}${more}`;
    const noun = this.total === 1 ? 'line' : 'lines';
    return `skipped ${this.total} malformed ${noun} in ${source} (${lines}): not JSON, or not an audit event`;
  }
}
