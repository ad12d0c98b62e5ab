// The trail's lines with their exact byte offsets, so the loader can tell
// where the last whole line ends and a torn one begins (readline gives text
// without offsets). Splitting on the byte 0x0a is safe in UTF-8: it never
// occurs inside a multi-byte character.
import type { FileHandle } from 'node:fs/promises';

/** One line of the trail. */
export interface TrailLine {
  /** The text without its newline (or `\r\n`); `undefined` when the line is longer than the limit. */
  text: string | undefined;
  /** Byte offset just past the line and its newline. */
  end: number;
  /** Whether a newline ends the line; only a file's last line can lack one. */
  terminated: boolean;
}

const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

/**
 * Reads `handle` from the start, line by line. A line longer than
 * `maxLineBytes` is not kept in memory (only its end is reported), so a file
 * with no newlines cannot exhaust the heap or V8's string limit.
 *
 * @example
 * for await (const line of readTrailLines(handle, 1 << 28)) if (line.text !== undefined) parse(line.text);
 */
export async function* readTrailLines(handle: FileHandle, maxLineBytes: number): AsyncGenerator<TrailLine> {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let position = 0;
  // The current line's bytes from earlier chunks (copied: the buffer is reused).
  let parts: Buffer[] = [];
  let partBytes = 0;
  let tooLong = false;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
    if (bytesRead === 0) break;
    const chunk = buffer.subarray(0, bytesRead);
    let from = 0;
    while (from < bytesRead) {
      const newline = chunk.indexOf(NEWLINE, from);
      const stop = newline === -1 ? bytesRead : newline;
      if (!tooLong && partBytes + (stop - from) > maxLineBytes) {
        tooLong = true;
        parts = [];
      }
      if (newline === -1) {
        if (!tooLong) parts.push(Buffer.from(chunk.subarray(from, stop)));
        partBytes += stop - from;
        break;
      }
      let text: string | undefined;
      if (!tooLong) {
        // Most lines lie within one chunk: decode them in place, without a copy.
        text = parts.length === 0 ? chunk.toString('utf8', from, stop) : Buffer.concat([...parts, chunk.subarray(from, stop)]).toString('utf8');
      }
      yield { text: withoutCarriageReturn(text), end: position + newline + 1, terminated: true };
      parts = [];
      partBytes = 0;
      tooLong = false;
      from = newline + 1;
    }
    position += bytesRead;
  }
  if (partBytes > 0) {
    const text = tooLong ? undefined : Buffer.concat(parts).toString('utf8');
    yield { text: withoutCarriageReturn(text), end: position, terminated: false };
  }
}

function withoutCarriageReturn(text: string | undefined): string | undefined {
  return text !== undefined && text.endsWith('\r') ? text.slice(0, -1) : text;
}
