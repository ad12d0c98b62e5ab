/**
 * Chunks of a trail in, whole numbered lines out. The last line is held
 * until its newline arrives (a writer mid-append, a `tail` that reads
 * between two writes); bytes are decoded with a StringDecoder, so a UTF-8
 * character split across two reads is not garbled.
 */
import { StringDecoder } from 'node:string_decoder';

/**
 * The longest line a trail reader takes, in UTF-16 units: far above any audit
 * event (each text is cut to maxContentLength), so only damage or a file that
 * is no trail reaches it; a longer line is skipped as unreadable, not held.
 */
export const MAX_TRAIL_LINE_CHARS = 64 * 1024 * 1024;

/** One line, without its `\n` or `\r\n`. */
export interface NumberedLine {
  /** Empty for an `overlong` line. */
  text: string;
  /** 1-based. */
  number: number;
  /** Longer than the splitter takes: its text was not kept (a malformed line for the reader). */
  overlong?: true;
}

/**
 * Splits a stream of chunks into lines, counting them.
 *
 * @example
 * const lines = new LineSplitter();
 * lines.push(Buffer.from('{"a":1}\n{"b"')); // [{ text: '{"a":1}', number: 1 }]
 * lines.push(Buffer.from(':2}\n'));          // [{ text: '{"b":2}', number: 2 }]
 */
export class LineSplitter {
  private decoder = new StringDecoder('utf8');
  /** The line under way, as the pieces it came in: joined once, at its newline (searching a joined rest again at each chunk would be quadratic). */
  private parts: string[] = [];
  private held = 0;
  private count = 0;
  /** The line under way passed `maxLineChars`: its text is dropped until its newline. */
  private overlong = false;

  /** @param maxLineChars the longest line kept, in UTF-16 units; a longer one comes out `overlong`, so memory stays bounded. */
  constructor(private readonly maxLineChars = MAX_TRAIL_LINE_CHARS) {}

  /** Whether a line without its newline is held (`tail` says so when it stops). */
  get holdsPartialLine(): boolean {
    return this.held > 0 || this.overlong;
  }

  /** The whole lines `chunk` completes. */
  push(chunk: Buffer | string): NumberedLine[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const lines: NumberedLine[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      lines.push(this.lineEndingWith(text.slice(start, end)));
      start = end + 1;
    }
    this.hold(start === 0 ? text : text.slice(start));
    return lines;
  }

  /** The last line when the input ended without a newline (a whole file read to its end). */
  end(): NumberedLine | undefined {
    this.hold(this.decoder.end());
    return this.held > 0 || this.overlong ? this.lineEndingWith('') : undefined;
  }

  /** Forgets everything: the file was truncated or replaced, and is read again from its start. */
  reset(): void {
    this.decoder = new StringDecoder('utf8');
    this.parts = [];
    this.held = 0;
    this.count = 0;
    this.overlong = false;
  }

  private hold(piece: string): void {
    if (piece === '' || this.overlong) return;
    this.parts.push(piece);
    this.held += piece.length;
    if (this.held > this.maxLineChars) {
      this.overlong = true;
      this.parts = [];
      this.held = 0;
    }
  }

  /** The line the held pieces and `tail` make. */
  private lineEndingWith(tail: string): NumberedLine {
    const number = ++this.count;
    if (this.overlong) {
      this.overlong = false;
      return { text: '', number, overlong: true };
    }
    const text = this.held === 0 ? tail : this.parts.join('') + tail;
    this.parts = [];
    this.held = 0;
    return { text: withoutCarriageReturn(text), number };
  }
}

function withoutCarriageReturn(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
